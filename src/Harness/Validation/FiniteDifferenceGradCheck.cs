using static TorchSharp.torch;

namespace Harness.Validation;

/// <summary>
/// Central finite differences in float64, the check torch.autograd.gradcheck does in PyTorch (TorchSharp
/// has none): for a scalar function f of some inputs, (f(x + h e_k) - f(x - h e_k)) / 2h for every
/// element k, compared with the autograd gradient.
/// </summary>
public static class FiniteDifferenceGradCheck
{
    /// <summary>
    /// Relative step: element k moves by Step * max(1, |x_k|), so the rounding error stays relative for
    /// large inputs. See <see cref="Tolerance.FiniteDifference"/> for why this size.
    /// </summary>
    public const double Step = 1e-6;

    /// <summary>
    /// Numerical gradient of <paramref name="f"/> with respect to <c>inputs[index]</c>. The inputs must be
    /// float64 CPU tensors; they are perturbed in place under no_grad and restored.
    /// </summary>
    public static double[] Gradient(Func<Tensor[], double> f, Tensor[] inputs, int index)
    {
        var x = inputs[index];
        if (x.dtype != ScalarType.Float64)
            throw new ArgumentException("Finite differences need float64 inputs: in float32 the rounding error swamps the derivative.");
        var n = (int)x.numel();
        var gradient = new double[n];
        using var noGrad = no_grad();
        using var flat = x.view(-1);
        for (int k = 0; k < n; k++)
        {
            var original = flat[k].item<double>();
            var h = Step * Math.Max(1.0, Math.Abs(original));
            flat[k] = original + h;
            var plus = f(inputs);
            flat[k] = original - h;
            var minus = f(inputs);
            flat[k] = original;
            gradient[k] = (plus - minus) / (2 * h);
        }
        return gradient;
    }
}

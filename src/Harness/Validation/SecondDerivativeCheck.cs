using CustomLosses;
using static TorchSharp.torch;

namespace Harness.Validation;

/// <summary>
/// Second derivatives, as PyTorch's gradgradcheck checks them (TorchSharp has none): for s(x) = sum(w * loss(x)), the
/// Hessian-vector product H u along a random direction u, by double backward (the gradient of g(x) . u, where g comes
/// from <c>autograd.grad</c> with <c>create_graph</c>), against central finite differences of the gradient,
/// (g(x + h u) - g(x - h u)) / 2h. All differentiable inputs move together, so the cross terms between inputs are
/// checked too. A loss whose gradient is right but built from detached pieces (a hand-written backward that is not
/// itself differentiable) has a wrong double backward, which training with gradient penalties or second-order
/// optimizers would silently use.
/// </summary>
public static class SecondDerivativeCheck
{
    /// <summary>
    /// The step along u, whose elements are scaled by max(1, |x|) as <see cref="FiniteDifferenceGradCheck.Step"/> is:
    /// the same balance of truncation against rounding, one derivative higher.
    /// </summary>
    public const double Step = FiniteDifferenceGradCheck.Step;

    /// <summary>
    /// For each differentiable input k, (H u)_k by double backward and by finite differences of the gradient.
    /// <paramref name="loss"/> maps the inputs to the loss (any shape); <paramref name="weights"/> weights its elements.
    /// The inputs must be float64; the direction is drawn from <paramref name="generator"/> (CPU).
    /// </summary>
    public static (double[][] Autograd, double[][] FiniteDifferences) HessianVectorProducts(
        Func<Tensor[], Tensor> loss, Tensor[] inputs, int[] differentiable, Tensor weights, Generator generator)
    {
        if (differentiable.Any(k => inputs[k].dtype != ScalarType.Float64))
            throw new ArgumentException("Second derivatives by finite differences need float64 inputs.");
        using var scope = NewDisposeScope();
        var direction = differentiable.Select(k =>
        {
            var x = inputs[k].detach();
            var u = randn(x.shape, dtype: ScalarType.Float64, generator: generator).to(x.device);
            return u.mul(x.abs().clamp_min(CachedScalars.One));
        }).ToArray();

        var leaves = Leaves(inputs, differentiable, direction, 0);
        var wrt = differentiable.Select(k => leaves[k]).ToList();
        var value = loss(leaves).mul(weights).sum();
        var gradients = Complete(autograd.grad([value], wrt, retain_graph: true, create_graph: true, allow_unused: true), wrt);
        // The product's graph must reach every input even where the gradient does not depend on it (a piecewise-linear
        // loss, an input the loss ignores): "+ 0 * sum(x)" keeps them in it, so their second derivative reads as zero.
        var product = gradients.Select((g, d) => g.mul(direction[d]).sum()).Aggregate((a, b) => a.add(b, CachedScalars.One));
        foreach (var x in wrt) product = product.add(x.sum().mul(CachedScalars.Of(0.0)), CachedScalars.One);
        var hvp = Complete(autograd.grad([product], wrt, allow_unused: true), wrt);

        var plus = Gradient(loss, inputs, differentiable, direction, Step, weights);
        var minus = Gradient(loss, inputs, differentiable, direction, -Step, weights);
        var finite = plus.Select((p, d) => p.sub(minus[d]).div(CachedScalars.Of(2 * Step))).ToArray();
        return (hvp.Select(t => HostArray.From(t).Data).ToArray(), finite.Select(t => HostArray.From(t).Data).ToArray());
    }

    static Tensor[] Gradient(Func<Tensor[], Tensor> loss, Tensor[] inputs, int[] differentiable, Tensor[] direction, double step, Tensor weights)
    {
        var leaves = Leaves(inputs, differentiable, direction, step);
        var wrt = differentiable.Select(k => leaves[k]).ToList();
        var value = loss(leaves).mul(weights).sum();
        if (!value.requires_grad) return wrt.Select(x => zeros_like(x)).ToArray();
        return Complete(autograd.grad([value], wrt, allow_unused: true), wrt).Select(g => g.detach()).ToArray();
    }

    // x + step * u for the differentiable inputs, as fresh leaves that require grad; the others as they are.
    static Tensor[] Leaves(Tensor[] inputs, int[] differentiable, Tensor[] direction, double step)
    {
        var leaves = inputs.ToArray();
        for (int d = 0; d < differentiable.Length; d++)
        {
            var x = inputs[differentiable[d]].detach();
            leaves[differentiable[d]] = (step == 0 ? x.clone() : x.add(direction[d], CachedScalars.Of(step))).requires_grad_(true);
        }
        return leaves;
    }

    // autograd.grad with allow_unused gives an undefined tensor for an input the output does not depend on: zero.
    static Tensor[] Complete(IList<Tensor> gradients, IList<Tensor> wrt) =>
        wrt.Select((x, d) => gradients[d] is { } g && g.Handle != IntPtr.Zero ? g : zeros_like(x)).ToArray();
}

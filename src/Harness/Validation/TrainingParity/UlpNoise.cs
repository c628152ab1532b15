using static TorchSharp.torch;
using static TorchSharp.torch.autograd;

namespace Harness.Validation.TrainingParity;

/// <summary>
/// The identity whose backward moves every gradient element one unit in the last place, up or down as
/// <c>directions</c> (+inf or -inf per element) says: put on the model output of the yardstick run, it adds rounding
/// noise to the gradient at every step, as a loss correct to rounding does (the fused cross-entropy kernel was off by one
/// ulp in 9% of its elements, every step). A perturbation at step 0 alone grows more slowly than noise that enters at
/// every step, and a float64 formula pair outgrew such a yardstick on Fashion-MNIST.
/// vars: input, directions (the input's shape and dtype).
/// </summary>
internal sealed class UlpNoise : SingleTensorFunction<UlpNoise>
{
    public override string Name => "UlpNoise";

    /// <summary>Seeded directions for one step: +inf or -inf per element of <paramref name="like"/>.</summary>
    public static Tensor Directions(Tensor like, Random random)
    {
        var d = new double[like.numel()];
        for (int i = 0; i < d.Length; i++) d[i] = random.Next(2) == 0 ? double.PositiveInfinity : double.NegativeInfinity;
        return tensor(d).reshape(like.shape).to(like.dtype);
    }

    public override Tensor forward(AutogradContext ctx, params object[] vars)
    {
        var (x, directions) = ((Tensor)vars[0], (Tensor)vars[1]);
        ctx.save_for_backward([directions]);
        return x.alias();
    }

    public override List<Tensor> backward(AutogradContext ctx, Tensor grad_output) =>
        [grad_output.nextafter(ctx.get_saved_variables()[0]), null!];
}

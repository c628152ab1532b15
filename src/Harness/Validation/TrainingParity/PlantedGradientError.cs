using static TorchSharp.torch;
using static TorchSharp.torch.autograd;

namespace Harness.Validation.TrainingParity;

/// <summary>
/// The identity whose backward multiplies the gradient by 1 + 1e-4 in even columns and 1 - 1e-4 in odd ones: put in
/// front of a correct loss, it makes the planted control of a parity run, a loss whose gradient is off by 1e-4 relative
/// in every element. The error alternates in sign because a uniform scale of the gradient is invisible to Adam.
/// vars: input [N, C], the factors [C].
/// </summary>
internal sealed class PlantedGradientError : SingleTensorFunction<PlantedGradientError>
{
    /// <summary>The relative error planted in each gradient element.</summary>
    public const double Error = 1e-4;

    public override string Name => "PlantedGradientError";

    /// <summary>The factors for <paramref name="columns"/> columns (float32).</summary>
    public static Tensor Factors(long columns) =>
        tensor(Enumerable.Range(0, (int)columns).Select(j => (float)(j % 2 == 0 ? 1 + Error : 1 - Error)).ToArray());

    public override Tensor forward(AutogradContext ctx, params object[] vars)
    {
        var (x, factors) = ((Tensor)vars[0], (Tensor)vars[1]);
        ctx.save_for_backward([factors]);
        return x.alias();
    }

    public override List<Tensor> backward(AutogradContext ctx, Tensor grad_output) =>
        [grad_output.mul(ctx.get_saved_variables()[0]), null!];
}

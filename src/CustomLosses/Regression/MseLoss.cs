using CustomLosses.Catalog;
using static TorchSharp.torch;

namespace CustomLosses.Regression;

/// <summary>
/// Mean squared error: <c>l_i = (x_i - y_i)^2</c>, reduced by mean (default), sum or none.
/// </summary>
/// <remarks>
/// Input: any shape, real-valued model output (no activation). Target: same shape (broadcast as
/// PyTorch does). Output: scalar, or the input's shape for reduction none.
/// Mirrors <c>torch.nn.MSELoss</c>.
/// </remarks>
public sealed class MseLoss : CustomLoss
{
    /// <summary>Creates the loss.</summary>
    public MseLoss(nn.Reduction reduction = nn.Reduction.Mean) : base(nameof(MseLoss), reduction) { }

    /// <inheritdoc />
    public override Tensor forward(Tensor input, Tensor target)
    {
        using var scope = NewDisposeScope();
        return (FastKernel(input, target) ?? Formula(input, target)).MoveToOuterDisposeScope();
    }

    /// <summary>The formula, <c>(x - y)^2</c> reduced.</summary>
    Tensor Formula(Tensor input, Tensor target)
    {
        var d = input - target;
        return Reduce(d * d);
    }

    /// <summary>Same shapes, mean or sum: a hand-written backward, 3 passes instead of 6 (see Kernels); else null.</summary>
    Tensor? FastKernel(Tensor input, Tensor target) =>
        Kernels.LossFunction.ElementWise(input, target, Reduction) ? Kernels.SquaredErrorFunction.apply(input, target, Reduction) : null;

    /// <summary>Registry entry.</summary>
    public static LossSpec Spec { get; } = new(
        Name: "mse",
        Title: "Mean squared error",
        Summary: "(x - y)^2",
        Task: LossTask.Regression,
        ExpectedOutput: ModelOutput.RealValues,
        Target: TargetEncoding.Real,
        Options: [],
        Reference: "torch.nn.functional.mse_loss",
        InputCount: 2,
        Factory: o => new MseLoss(o.Reduction))
    {
        ZeroAtTarget = true,
    };
}

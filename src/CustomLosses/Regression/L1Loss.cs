using CustomLosses.Catalog;
using static TorchSharp.torch;

namespace CustomLosses.Regression;

/// <summary>
/// Mean absolute error (L1): <c>l_i = |x_i - y_i|</c>, reduced by mean (default), sum or none.
/// </summary>
/// <remarks>
/// Input: any shape, real-valued model output. Target: same shape. Output: scalar, or the input's
/// shape for reduction none. The gradient at x = y is 0, as <c>torch.abs</c> defines it.
/// Mirrors <c>torch.nn.L1Loss</c>.
/// </remarks>
public sealed class L1Loss : CustomLoss
{
    /// <summary>Creates the loss.</summary>
    public L1Loss(nn.Reduction reduction = nn.Reduction.Mean) : base(nameof(L1Loss), reduction) { }

    /// <inheritdoc />
    public override Tensor forward(Tensor input, Tensor target)
    {
        using var scope = NewDisposeScope();
        return (FastKernel(input, target) ?? Formula(input, target)).MoveToOuterDisposeScope();
    }

    /// <summary>The formula, <c>|x - y|</c> reduced.</summary>
    Tensor Formula(Tensor input, Tensor target) => Reduce((input - target).abs());

    /// <summary>Same shapes, mean or sum: sub + one 1-norm forward, sign * scale backward (see Kernels); else null.</summary>
    Tensor? FastKernel(Tensor input, Tensor target) =>
        Kernels.LossFunction.ElementWise(input, target, Reduction) ? Kernels.AbsoluteErrorFunction.apply(input, target, Reduction) : null;

    /// <summary>Registry entry.</summary>
    public static LossSpec Spec { get; } = new(
        Name: "l1",
        Title: "L1 / mean absolute error",
        Summary: "|x - y|",
        Task: LossTask.Regression,
        ExpectedOutput: ModelOutput.RealValues,
        Target: TargetEncoding.Real,
        Options: [],
        Reference: "torch.nn.functional.l1_loss",
        InputCount: 2,
        Factory: o => new L1Loss(o.Reduction))
    {
        ZeroAtTarget = true,
    };
}

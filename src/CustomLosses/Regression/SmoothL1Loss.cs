using CustomLosses.Catalog;
using static CustomLosses.KeptMath;
using static TorchSharp.torch;

namespace CustomLosses.Regression;

/// <summary>
/// Smooth L1: with <c>d = x - y</c>, <c>l = 0.5 d^2 / beta</c> if <c>|d| &lt; beta</c>, else
/// <c>|d| - 0.5 beta</c>; with <c>beta = 0</c> it is exactly L1 (<c>|d|</c>), as in PyTorch.
/// Reduced by mean (default), sum or none.
/// </summary>
/// <remarks>
/// Input: any shape, real-valued model output (no activation). Target: same shape (broadcast as
/// PyTorch does). Output: scalar, or the broadcast shape for reduction none.
/// Mirrors <c>torch.nn.functional.smooth_l1_loss</c>.
/// </remarks>
public sealed class SmoothL1Loss : CustomLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="beta">Where the loss turns from quadratic to linear; must be &gt;= 0 (PyTorch's default 1.0).</param>
    /// <param name="reduction">none, mean or sum.</param>
    public SmoothL1Loss(double beta = 1.0, nn.Reduction reduction = nn.Reduction.Mean) : base(nameof(SmoothL1Loss), reduction)
    {
        Spec.CheckArgument("beta", beta);
        Beta = beta;
    }

    /// <summary>The quadratic-to-linear threshold (0: plain L1).</summary>
    public double Beta { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input, Tensor target)
    {
        using var scope = NewDisposeScope();
        return (FastKernel(input, target) ?? Formula(input, target)).MoveToOuterDisposeScope();
    }

    /// <summary>The formula in the summary, reduced.</summary>
    Tensor Formula(Tensor input, Tensor target)
    {
        Term d = input - target, z = Abs(d);
        if (Beta == 0)
            return Reduce(z);
        var quadratic = 0.5 * d * d / Beta;
        var linear = z - 0.5 * Beta;
        return Reduce(where(z < Beta, quadratic, linear));
    }

    /// <summary>Same shapes, mean or sum: smooth L1 = Huber(delta = beta) / beta, and beta = 0 is L1 (see Kernels); else null.</summary>
    Tensor? FastKernel(Tensor input, Tensor target) =>
        !Kernels.LossFunction.ElementWise(input, target, Reduction) ? null
        : Beta == 0 ? Kernels.AbsoluteErrorFunction.apply(input, target, Reduction)
        : Kernels.HuberFunction.apply(input, target, Beta, Beta, Reduction);

    /// <summary>Registry entry.</summary>
    public static LossSpec Spec { get; } = new(
        Name: "smooth-l1",
        Title: "Smooth L1",
        Summary: "0.5 d^2 / beta if |d| < beta, else |d| - 0.5 beta, d = x - y (beta = 0: |d|)",
        Task: LossTask.Regression,
        ExpectedOutput: ModelOutput.RealValues,
        Target: TargetEncoding.Real,
        Options: [OptionSpec.Real("beta", 1.0, "Where the loss turns from quadratic to linear; 0 gives L1.", ">= 0", v => v >= 0 && !double.IsInfinity(v))],
        Reference: "torch.nn.functional.smooth_l1_loss",
        InputCount: 2,
        Factory: o => new SmoothL1Loss(o.Real("beta"), o.Reduction))
    {
        ZeroAtTarget = true,
    };
}

using CustomLosses.Catalog;
using static CustomLosses.KeptMath;
using static TorchSharp.torch;

namespace CustomLosses.Regression;

/// <summary>
/// Huber loss: with <c>d = x - y</c>, <c>l = 0.5 d^2</c> if <c>|d| &lt; delta</c>, else
/// <c>delta (|d| - 0.5 delta)</c>; reduced by mean (default), sum or none.
/// </summary>
/// <remarks>
/// Input: any shape, real-valued model output (no activation). Target: same shape (broadcast as
/// PyTorch does). Output: scalar, or the broadcast shape for reduction none.
/// Equals <c>delta * SmoothL1(beta = delta)</c>. Mirrors <c>torch.nn.functional.huber_loss</c>.
/// </remarks>
public sealed class HuberLoss : CustomLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="delta">Where the loss turns from quadratic to linear; must be &gt; 0 (PyTorch's default 1.0).</param>
    /// <param name="reduction">none, mean or sum.</param>
    public HuberLoss(double delta = 1.0, nn.Reduction reduction = nn.Reduction.Mean) : base(nameof(HuberLoss), reduction)
    {
        Spec.CheckArgument("delta", delta);
        Delta = delta;
    }

    /// <summary>The quadratic-to-linear threshold.</summary>
    public double Delta { get; }

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
        var quadratic = 0.5 * d * d;
        var linear = Delta * (z - 0.5 * Delta);
        return Reduce(where(z < Delta, quadratic, linear));
    }

    /// <summary>
    /// Same shapes, mean or sum: <c>dot(m, d) - dot(m, m) / 2</c> with <c>m = clamp(d, -delta, delta)</c>, gradient m
    /// (see Kernels); else null.
    /// </summary>
    Tensor? FastKernel(Tensor input, Tensor target) =>
        Kernels.LossFunction.ElementWise(input, target, Reduction) ? Kernels.HuberFunction.apply(input, target, Delta, 1.0, Reduction) : null;

    /// <summary>Registry entry.</summary>
    public static LossSpec Spec { get; } = new(
        Name: "huber",
        Title: "Huber",
        Summary: "0.5 d^2 if |d| < delta, else delta (|d| - 0.5 delta), d = x - y",
        Task: LossTask.Regression,
        ExpectedOutput: ModelOutput.RealValues,
        Target: TargetEncoding.Real,
        Options: [OptionSpec.Real("delta", 1.0, "Where the loss turns from quadratic to linear.", "> 0", v => v > 0 && !double.IsInfinity(v))],
        Reference: "torch.nn.functional.huber_loss",
        InputCount: 2,
        Factory: o => new HuberLoss(o.Real("delta"), o.Reduction))
    {
        ZeroAtTarget = true,
    };
}

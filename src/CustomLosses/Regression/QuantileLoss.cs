using CustomLosses.Catalog;
using static CustomLosses.KeptMath;
using static TorchSharp.torch;

namespace CustomLosses.Regression;

/// <summary>
/// Quantile (pinball) loss: with <c>d = y - x</c>, <c>l = max(tau d, (tau - 1) d)</c>; reduced by mean
/// (default), sum or none. Minimising it makes x the tau-quantile of y; tau = 0.5 is half the L1 loss.
/// </summary>
/// <remarks>
/// Input: any shape, real-valued model output (the predicted quantile). Target: same shape (broadcast).
/// Output: scalar, or the broadcast shape for reduction none. At x = y the gradient is the average of
/// the two slopes (torch.maximum's convention for ties). No libtorch built-in; validated against a
/// float64 formula.
/// </remarks>
public sealed class QuantileLoss : CustomLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="tau">The quantile, in (0, 1) (default 0.5, the median).</param>
    /// <param name="reduction">none, mean or sum.</param>
    public QuantileLoss(double tau = 0.5, nn.Reduction reduction = nn.Reduction.Mean) : base(nameof(QuantileLoss), reduction)
    {
        Spec.CheckArgument("tau", tau);
        Tau = tau;
    }

    /// <summary>The quantile predicted.</summary>
    public double Tau { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input, Tensor target)
    {
        using var scope = NewDisposeScope();
        Term d = target - input;
        return Reduce(Max(Tau * d, (Tau - 1.0) * d)).MoveToOuterDisposeScope();
    }

    /// <summary>Registry entry.</summary>
    public static LossSpec Spec { get; } = new(
        Name: "quantile",
        Title: "Quantile (pinball)",
        Summary: "max(tau d, (tau - 1) d), d = y - x",
        Task: LossTask.Regression,
        ExpectedOutput: ModelOutput.RealValues,
        Target: TargetEncoding.Real,
        Options: [OptionSpec.Real("tau", 0.5, "The quantile to predict.", "(0, 1)", v => v > 0 && v < 1)],
        Reference: LossSpec.FormulaReference,
        InputCount: 2,
        Factory: o => new QuantileLoss(o.Real("tau"), o.Reduction))
    {
        ZeroAtTarget = true,
    };
}

using CustomLosses.Catalog;
using static CustomLosses.KeptMath;
using static TorchSharp.torch;

namespace CustomLosses.Regression;

/// <summary>
/// Log-cosh loss: <c>l = log(cosh(x - y))</c>, reduced by mean (default), sum or none.
/// </summary>
/// <remarks>
/// Input: any shape, real-valued model output (no activation). Target: same shape (broadcast).
/// Output: scalar, or the broadcast shape for reduction none. Its gradient is <c>tanh(x - y)</c>:
/// quadratic near 0, like |d| - log 2 far away.
/// Computed without overflow: for <c>|d| &gt; 1</c> as <c>|d| + softplus(-2|d|) - log 2</c> (finite at
/// d = 1000), and for <c>|d| &lt;= 1</c> as <c>log1p(2 sinh(d/2)^2)</c>, which keeps full relative precision
/// for small d where the first form cancels. No libtorch built-in; validated against a float64 formula.
/// </remarks>
public sealed class LogCoshLoss : CustomLoss
{
    /// <summary>Creates the loss.</summary>
    public LogCoshLoss(nn.Reduction reduction = nn.Reduction.Mean) : base(nameof(LogCoshLoss), reduction) { }

    /// <inheritdoc />
    public override Tensor forward(Tensor input, Tensor target)
    {
        using var scope = NewDisposeScope();
        Term d = input - target, z = Abs(d);
        var far = z + Softplus(-2.0 * z) - Log2;
        // The near branch only ever sees |d| <= 1, so it cannot overflow (and its unused gradient stays finite).
        var s = Sinh(0.5 * Clamp(d, -1.0, 1.0));
        var near = Log1p(2.0 * s * s);
        return Reduce(where(z <= 1.0, near, far)).MoveToOuterDisposeScope();
    }

    /// <summary>Registry entry.</summary>
    public static LossSpec Spec { get; } = new(
        Name: "log-cosh",
        Title: "Log-cosh",
        Summary: "log(cosh(x - y)), computed as |d| + softplus(-2|d|) - log 2",
        Task: LossTask.Regression,
        ExpectedOutput: ModelOutput.RealValues,
        Target: TargetEncoding.Real,
        Options: [],
        Reference: LossSpec.FormulaReference,
        InputCount: 2,
        Factory: o => new LogCoshLoss(o.Reduction))
    {
        ZeroAtTarget = true,
    };
}

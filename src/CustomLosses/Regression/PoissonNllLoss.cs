using CustomLosses.Catalog;
using static CustomLosses.KeptMath;
using static TorchSharp.torch;

namespace CustomLosses.Regression;

/// <summary>
/// Poisson negative log-likelihood. With <c>log_input</c> (default) the input is the log-rate
/// and <c>l = exp(x) - y x</c>; otherwise the input is the rate and <c>l = x - y log(x + eps)</c>.
/// With <c>full</c>, the Stirling approximation of <c>log(y!)</c>, <c>y log y - y + 0.5 log(2 pi y)</c>,
/// is added where <c>y &gt; 1</c> (0 elsewhere, as PyTorch masks <c>y &lt;= 1</c>). Reduced by mean
/// (default), sum or none.
/// </summary>
/// <remarks>
/// Input: any shape; log-rates (any real) or, with <c>log_input = false</c>, rates &gt;= 0. Target: counts
/// (non-negative), same shape (broadcast). Output: scalar, or the broadcast shape for reduction none.
/// Mirrors <c>torch.nn.functional.poisson_nll_loss</c> (TorchSharp's binding passes eps as a float
/// to a native double parameter, so its <c>log_input = false</c> results are wrong; this one is not).
/// </remarks>
public sealed class PoissonNllLoss : CustomLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="logInput">True (default): input is log(rate); false: input is the rate.</param>
    /// <param name="full">Add the Stirling term (default false).</param>
    /// <param name="eps">Added to the rate before the log when <paramref name="logInput"/> is false; &gt; 0 (default 1e-8).</param>
    /// <param name="reduction">none, mean or sum.</param>
    public PoissonNllLoss(bool logInput = true, bool full = false, double eps = 1e-8, nn.Reduction reduction = nn.Reduction.Mean)
        : base(nameof(PoissonNllLoss), reduction)
    {
        Spec.CheckArgument("eps", eps);
        LogInput = logInput;
        Full = full;
        Eps = eps;
    }

    /// <summary>Whether the input is a log-rate.</summary>
    public bool LogInput { get; }

    /// <summary>Whether the Stirling term is added.</summary>
    public bool Full { get; }

    /// <summary>Stabiliser inside the log when the input is a rate.</summary>
    public double Eps { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input, Tensor target)
    {
        using var scope = NewDisposeScope();
        Term x = input;
        var loss = LogInput ? Exp(x) - target * x : x - target * Log(x + Eps);
        if (Full)
        {
            var counted = T(target) > 1.0;
            // Evaluate the term on y where y > 1 and on 1 elsewhere, so the masked entries stay finite
            // (y = 0 would give 0 * log 0) and contribute neither value nor gradient.
            Term y = where(counted, target, ones_like(target));
            var stirling = y * Log(y) - y + 0.5 * Log(2.0 * Math.PI * y);
            loss = loss + where(counted, stirling, zeros_like(stirling));
        }
        return Reduce(loss).MoveToOuterDisposeScope();
    }

    /// <summary>Registry entry.</summary>
    public static LossSpec Spec { get; } = new(
        Name: "poisson-nll",
        Title: "Poisson negative log-likelihood",
        Summary: "exp(x) - y x (log_input), or x - y log(x + eps); full adds y log y - y + 0.5 log(2 pi y) where y > 1",
        Task: LossTask.Regression,
        ExpectedOutput: ModelOutput.RealValues,
        Target: TargetEncoding.Counts,
        Options:
        [
            OptionSpec.Boolean("log_input", true, "The input is log(rate) (true) or the rate itself (false)."),
            OptionSpec.Boolean("full", false, "Add the Stirling approximation term of log(y!) where y > 1."),
            OptionSpec.Real("eps", 1e-8, "Added to the rate inside the log when log_input is false.", "> 0", v => v > 0 && !double.IsInfinity(v)),
        ],
        Reference: "torch.nn.functional.poisson_nll_loss",
        InputCount: 2,
        Factory: o => new PoissonNllLoss(o.Boolean("log_input"), o.Boolean("full"), o.Real("eps"), o.Reduction));
}

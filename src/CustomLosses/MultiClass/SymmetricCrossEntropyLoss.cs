using CustomLosses.Catalog;
using static CustomLosses.KeptMath;
using static TorchSharp.torch;

namespace CustomLosses.MultiClass;

/// <summary>
/// Symmetric cross-entropy (Wang et al. 2019, "Symmetric Cross Entropy for Robust Learning with Noisy
/// Labels"): <c>l_i = alpha CE_i + beta RCE_i</c> with <c>CE_i = -log softmax(x_i)_y</c> and the
/// reverse cross-entropy <c>RCE_i = -sum_c clamp(p_c, 1e-7, 1) log(clamp(onehot(y_i)_c, e^A, 1))</c>,
/// reduced by mean over samples (default), sum or none.
/// </summary>
/// <remarks>
/// <para>Input: logits of shape [N, C]. Target: int64 class indices of shape [N]. Output: scalar, or
/// [N] for reduction none. No libtorch twin: validated against a float64 formula and finite
/// differences.</para>
/// <para>Clamping follows the paper's code: the probabilities <c>p = softmax(x)</c> are clamped to
/// [1e-7, 1] (so a class with p_c &lt; 1e-7 contributes the constant 1e-7 and no gradient), and the
/// one-hot target is clamped to [e^A, 1] (the paper's code uses 1e-4, i.e. A = log 1e-4; the paper's
/// text and this default use A = -4). <c>log(clamp(onehot_c, e^A, 1))</c> is 0 for the true class and
/// A for the others; it is used in that exact form (no rounding of log(exp(A)), no underflow of e^A).
/// Hence <c>RCE_i = -A sum_{c != y} clamp(p_c, 1e-7, 1)</c>, which is <c>-A (1 - p_y)</c> while no
/// probability is below 1e-7. CE uses log_softmax, so logits of ±1000 give finite values.</para>
/// </remarks>
public sealed class SymmetricCrossEntropyLoss : CustomLoss
{
    /// <summary>The lower clamp of the probabilities in the reverse term, as in the paper's code.</summary>
    public const double ProbabilityFloor = 1e-7;

    readonly double alpha, beta, a;

    /// <summary>Creates the loss.</summary>
    /// <param name="alpha">Weight of the cross-entropy term, &gt;= 0.</param>
    /// <param name="beta">Weight of the reverse cross-entropy term, &gt;= 0.</param>
    /// <param name="a">log of the one-hot clamp (log 0 := A), &lt; 0 and finite.</param>
    /// <param name="reduction">none, mean or sum.</param>
    public SymmetricCrossEntropyLoss(double alpha = 0.1, double beta = 1.0, double a = -4.0, nn.Reduction reduction = nn.Reduction.Mean)
        : base(nameof(SymmetricCrossEntropyLoss), reduction)
    {
        Spec.CheckArgument("alpha", alpha);
        Spec.CheckArgument("beta", beta);
        Spec.CheckArgument("a", a);
        this.alpha = alpha;
        this.beta = beta;
        this.a = a;
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input, Tensor target)
    {
        ClassIndexLogits.Check("SCE", input, target);
        using var scope = NewDisposeScope();
        var logp = nn.functional.log_softmax(input, 1);
        Term ce = ClassIndexLogits.AtTarget(logp, target).neg();
        Tensor p = Clamp(Exp(logp), ProbabilityFloor, 1.0);
        var isTarget = ClassIndexLogits.OneHotMask(target, input);
        var logOneHot = where(isTarget, zeros_like(p), full_like(p, S(a))); // log(clamp(onehot, e^A, 1))
        Term rce = (p * logOneHot).sum(1).neg();
        var loss = ce * alpha + rce * beta;
        return Reduce(loss).MoveToOuterDisposeScope();
    }

    /// <summary>Registry entry.</summary>
    public static LossSpec Spec { get; } = new(
        Name: "sce",
        Title: "Symmetric cross-entropy",
        Summary: "alpha CE + beta RCE, RCE = -sum_c clamp(p_c, 1e-7, 1) log clamp(onehot_c, e^A, 1)",
        Task: LossTask.MultiClass,
        ExpectedOutput: ModelOutput.Logits,
        Target: TargetEncoding.ClassIndex,
        Options:
        [
            OptionSpec.Real("alpha", 0.1, "Weight of the cross-entropy term.", ">= 0 and finite", x => x >= 0 && !double.IsInfinity(x)),
            OptionSpec.Real("beta", 1.0, "Weight of the reverse cross-entropy term.", ">= 0 and finite", x => x >= 0 && !double.IsInfinity(x)),
            OptionSpec.Real("a", -4.0, "A = log of the one-hot clamp: log 0 is replaced by A in the reverse term.",
                "< 0 and finite", x => x < 0 && !double.IsInfinity(x)),
        ],
        Reference: LossSpec.FormulaReference,
        InputCount: 2,
        Factory: o => new SymmetricCrossEntropyLoss(o.Real("alpha"), o.Real("beta"), o.Real("a"), o.Reduction));
}

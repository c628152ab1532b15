using CustomLosses.Catalog;
using static CustomLosses.KeptMath;
using static TorchSharp.torch;

namespace CustomLosses.MultiClass;

/// <summary>
/// Generalized cross-entropy, the Lq loss of Zhang &amp; Sabuncu 2018 ("Generalized Cross Entropy Loss
/// for Training Deep Neural Networks with Noisy Labels"): <c>l_i = (1 - p_{y_i}^q) / q</c> with
/// <c>p = softmax(x_i)</c>, reduced by mean over samples (default), sum or none.
/// </summary>
/// <remarks>
/// <para>Input: logits of shape [N, C]. Target: int64 class indices of shape [N]. Output: scalar, or
/// [N] for reduction none. <c>q -&gt; 0</c> recovers cross-entropy; <c>q = 1</c> is the MAE-like
/// <c>1 - p_y</c>. No libtorch twin: validated against a float64 formula and finite differences.</para>
/// <para>Computed as <c>-expm1(q * log_softmax(x)_y) / q</c>: finite at logits of ±1000 and exact
/// when <c>p_y</c> is close to 1 or <c>q</c> is small.</para>
/// </remarks>
public sealed class GeneralizedCrossEntropyLoss : CustomLoss
{
    readonly double q;

    /// <summary>Creates the loss.</summary>
    /// <param name="q">Exponent in (0, 1].</param>
    /// <param name="reduction">none, mean or sum.</param>
    public GeneralizedCrossEntropyLoss(double q = 0.7, nn.Reduction reduction = nn.Reduction.Mean)
        : base(nameof(GeneralizedCrossEntropyLoss), reduction)
    {
        Spec.CheckArgument("q", q);
        this.q = q;
    }

    /// <summary>The exponent q.</summary>
    public double Q => q;

    /// <inheritdoc />
    public override Tensor forward(Tensor input, Tensor target)
    {
        ClassIndexLogits.Check("GCE", input, target);
        using var scope = NewDisposeScope();
        var logpY = ClassIndexLogits.AtTarget(nn.functional.log_softmax(input, 1), target);
        var loss = -Expm1(T(logpY) * q) / q;
        return Reduce(loss).MoveToOuterDisposeScope();
    }

    /// <summary>Registry entry.</summary>
    public static LossSpec Spec { get; } = new(
        Name: "gce",
        Title: "Generalized cross-entropy (Lq)",
        Summary: "(1 - p_y^q) / q, p = softmax(x)",
        Task: LossTask.MultiClass,
        ExpectedOutput: ModelOutput.Logits,
        Target: TargetEncoding.ClassIndex,
        Options:
        [
            OptionSpec.Real("q", 0.7, "Exponent: q -> 0 approaches cross-entropy, q = 1 is 1 - p_y (MAE-like).",
                "(0, 1]", q => q > 0 && q <= 1),
        ],
        Reference: LossSpec.FormulaReference,
        InputCount: 2,
        Factory: o => new GeneralizedCrossEntropyLoss(o.Real("q"), o.Reduction));
}

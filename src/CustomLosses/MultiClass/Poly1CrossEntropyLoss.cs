using CustomLosses.Catalog;
using static CustomLosses.KeptMath;
using static TorchSharp.torch;

namespace CustomLosses.MultiClass;

/// <summary>
/// Poly-1 cross-entropy (Leng et al. 2022, "PolyLoss: A Polynomial Expansion Perspective of
/// Classification Loss Functions"): <c>l_i = CE_i + epsilon (1 - p_t)</c>, reduced by mean over
/// samples (default), sum or none.
/// </summary>
/// <remarks>
/// <para>Input: logits of shape [N, C]. Target: int64 class indices of shape [N]. Output: scalar, or
/// [N] for reduction none. No libtorch twin: validated against a float64 formula and finite
/// differences.</para>
/// <para>As in the paper's code, with label smoothing s the target is
/// <c>t = (1 - s) onehot(y) + s / C</c>, <c>CE_i = -sum_c t_c log softmax(x_i)_c</c> (PyTorch's
/// label-smoothed cross-entropy) and <c>p_t = sum_c t_c softmax(x_i)_c</c>. Without smoothing
/// <c>p_t = p_y</c>. <c>1 - p_t</c> is computed as <c>(1 - s)(-expm1(log p_y)) + s (C - 1) / C</c>,
/// exact when <c>p_y</c> is close to 1; log-probabilities come from log_softmax, so logits of ±1000
/// give finite values.</para>
/// </remarks>
public sealed class Poly1CrossEntropyLoss : CustomLoss
{
    readonly double epsilon, labelSmoothing;

    /// <summary>Creates the loss.</summary>
    /// <param name="epsilon">Weight of the first polynomial term, &gt;= -1 (finite).</param>
    /// <param name="labelSmoothing">Label smoothing in [0, 1).</param>
    /// <param name="reduction">none, mean or sum.</param>
    public Poly1CrossEntropyLoss(double epsilon = 1.0, double labelSmoothing = 0.0, nn.Reduction reduction = nn.Reduction.Mean)
        : base(nameof(Poly1CrossEntropyLoss), reduction)
    {
        Spec.CheckArgument("epsilon", epsilon);
        Spec.CheckArgument("label_smoothing", labelSmoothing);
        this.epsilon = epsilon;
        this.labelSmoothing = labelSmoothing;
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input, Tensor target)
    {
        ClassIndexLogits.Check("Poly1", input, target);
        using var scope = NewDisposeScope();
        double classes = input.size(1);
        var logp = nn.functional.log_softmax(input, 1);
        var logpY = ClassIndexLogits.AtTarget(logp, target);
        Term ce = -T(logpY), oneMinusPt = -Expm1(logpY);
        if (labelSmoothing > 0)
        {
            ce = ce * (1 - labelSmoothing) + -T(logp.sum(1)) * (labelSmoothing / classes);
            oneMinusPt = oneMinusPt * (1 - labelSmoothing) + labelSmoothing * (classes - 1) / classes;
        }
        var loss = ce + oneMinusPt * epsilon;
        return Reduce(loss).MoveToOuterDisposeScope();
    }

    /// <summary>Registry entry.</summary>
    public static LossSpec Spec { get; } = new(
        Name: "poly1",
        Title: "Poly-1 cross-entropy",
        Summary: "CE + epsilon (1 - p_t), p_t = sum_c t_c softmax(x)_c (t: label-smoothed one-hot)",
        Task: LossTask.MultiClass,
        ExpectedOutput: ModelOutput.Logits,
        Target: TargetEncoding.ClassIndex,
        Options:
        [
            OptionSpec.Real("epsilon", 1.0, "Weight of the (1 - p_t) term; 0 gives cross-entropy, -1 drops the first polynomial term.",
                ">= -1 and finite", e => e >= -1 && !double.IsInfinity(e)),
            OptionSpec.Real("label_smoothing", 0.0, "Label smoothing of the target, as in cross_entropy.",
                "[0, 1)", s => s >= 0 && s < 1),
        ],
        Reference: LossSpec.FormulaReference,
        InputCount: 2,
        Factory: o => new Poly1CrossEntropyLoss(o.Real("epsilon"), o.Real("label_smoothing"), o.Reduction));
}

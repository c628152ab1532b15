using CustomLosses.Catalog;
using static CustomLosses.KeptMath;
using static TorchSharp.torch;

namespace CustomLosses.Binary;

/// <summary>
/// Sigmoid focal loss (RetinaNet, Lin et al. 2017):
/// <c>l = α_t (1 - p_t)^γ BCEWithLogits(x, y)</c> with <c>p = σ(x)</c>, <c>p_t = p y + (1 - p)(1 - y)</c>,
/// <c>α_t = α y + (1 - α)(1 - y)</c> (the α factor is skipped when α &lt; 0), reduced by mean (default), sum or none.
/// </summary>
/// <remarks>
/// <para>Input: logits (no sigmoid), any shape. Target: same shape, values in [0, 1] (0/1 labels).
/// Output: scalar, or the input's shape for reduction none.</para>
/// <para>alpha: in [0, 1], or -1 to disable class balancing (default 0.25). gamma: &gt;= 0 (default 2); γ = 0 with
/// α = -1 is plain BCE-with-logits.</para>
/// <para>Mirrors <c>torchvision.ops.sigmoid_focal_loss</c>. Its default reduction is none; this library's
/// registry default is mean, as for every loss (pass reduction none for torchvision's behaviour).
/// Stable at any logit magnitude: the BCE term uses log-sigmoid and <c>1 - p_t</c> is computed without
/// cancellation as <c>y σ(-x) + (1 - y) σ(x)</c>.</para>
/// </remarks>
public sealed class SigmoidFocalLoss : CustomLoss
{
    const string Name = "Sigmoid focal";

    /// <summary>Creates the loss.</summary>
    /// <param name="alpha">Positive-class balance in [0, 1], or -1 to disable (default 0.25).</param>
    /// <param name="gamma">Focusing exponent, &gt;= 0 (default 2).</param>
    /// <param name="reduction">none, mean (default) or sum.</param>
    public SigmoidFocalLoss(double alpha = 0.25, double gamma = 2.0, nn.Reduction reduction = nn.Reduction.Mean)
        : base(nameof(SigmoidFocalLoss), reduction)
    {
        Spec.CheckArgument("alpha", alpha);
        Spec.CheckArgument("gamma", gamma);
        Alpha = alpha;
        Gamma = gamma;
    }

    static bool IsValidAlpha(double a) => (a >= 0 && a <= 1) || a == -1;

    /// <summary>The positive-class balance (negative: disabled).</summary>
    public double Alpha { get; }

    /// <summary>The focusing exponent.</summary>
    public double Gamma { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input, Tensor target)
    {
        using var scope = NewDisposeScope();
        BinaryInputs.Floating(Name, "input", input);
        BinaryInputs.SameShape(Name, input, target);

        Term x = input, y = target;
        var ce = (1 - y) * x - LogSigmoid(x);                       // BCEWithLogits(x, y)
        var oneMinusPt = y * Sigmoid(-x) + (1 - y) * Sigmoid(x);
        var loss = ce * Pow(oneMinusPt, Gamma);
        if (Alpha >= 0)
            loss = (Alpha * y + (1 - Alpha) * (1 - y)) * loss;
        return Reduce(loss).MoveToOuterDisposeScope();
    }

    /// <summary>Registry entry.</summary>
    public static LossSpec Spec { get; } = new(
        Name: "sigmoid-focal",
        Title: "Sigmoid focal",
        Summary: "alpha_t (1 - p_t)^gamma BCE-with-logits(x, y); registry default reduction mean (torchvision: none)",
        Task: LossTask.BinaryOrMultiLabel,
        ExpectedOutput: ModelOutput.Logits,
        Target: TargetEncoding.ZeroOne,
        Options:
        [
            OptionSpec.Real("alpha", 0.25, "Weight of the positive class (negatives get 1 - alpha); -1 disables it.",
                "[0, 1], or -1 to disable", IsValidAlpha),
            OptionSpec.Real("gamma", 2.0, "Focusing exponent on (1 - p_t).", ">= 0", v => v >= 0 && !double.IsInfinity(v)),
        ],
        Reference: "torchvision.ops.sigmoid_focal_loss",
        InputCount: 2,
        Factory: o => new SigmoidFocalLoss(o.Real("alpha"), o.Real("gamma"), o.Reduction));
}

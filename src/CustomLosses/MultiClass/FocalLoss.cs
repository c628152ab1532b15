using CustomLosses.Catalog;
using static CustomLosses.KeptMath;
using static TorchSharp.torch;

namespace CustomLosses.MultiClass;

/// <summary>
/// Softmax focal loss (Lin et al. 2017, "Focal Loss for Dense Object Detection", multi-class form):
/// <c>l_i = -alpha_{y_i} (1 - p_t)^gamma log p_t</c> with <c>log p_t = log_softmax(x_i)[y_i]</c>,
/// reduced by a plain mean over samples (default; not normalized by alpha), sum or none.
/// </summary>
/// <remarks>
/// <para>Input: logits of shape [N, C] (the model's raw scores, no softmax). Target: int64 class
/// indices of shape [N]. Output: scalar, or [N] for reduction none.</para>
/// <para><c>alpha_y</c> is the optional per-class weight of the true class (1 when unset).
/// <c>gamma = 0</c> without alpha is exactly cross-entropy (<c>torch.nn.functional.cross_entropy</c>).
/// No libtorch twin: validated against a float64 formula and finite differences.</para>
/// <para>Stability: <c>log p_t</c> comes from log_softmax (log-sum-exp), so logits of ±1000 give finite
/// values; <c>1 - p_t</c> is computed as <c>-expm1(log p_t)</c>, exact when <c>p_t</c> is close to 1.
/// Where <c>1 - p_t</c> is below the dtype's smallest normal number, <c>(1 - p_t)^gamma</c> keeps its
/// value but passes no gradient (the true gradient there is below 1e-300; with gamma &lt; 1, pow's
/// derivative would otherwise be 0 * inf = NaN).</para>
/// </remarks>
public sealed class FocalLoss : CustomLoss
{
    readonly double gamma;
    readonly Tensor? alpha;

    /// <summary>Creates the loss.</summary>
    /// <param name="gamma">Focusing parameter, &gt;= 0 (finite). 0 gives cross-entropy.</param>
    /// <param name="alpha">Optional per-class weights (one per class, each &gt;= 0); null: all 1.</param>
    /// <param name="reduction">none, mean (plain mean over samples) or sum.</param>
    public FocalLoss(double gamma = 2.0, double[]? alpha = null, nn.Reduction reduction = nn.Reduction.Mean)
        : base(nameof(FocalLoss), reduction)
    {
        Spec.CheckArgument("gamma", gamma);
        if (alpha != null)
        {
            Spec.CheckArgument("alpha", alpha);
            this.alpha = tensor(alpha, dtype: ScalarType.Float64).DetachFromDisposeScope();
        }
        this.gamma = gamma;
        RegisterComponents();
    }

    /// <summary>Creates the loss with per-class weights given as a 1-D tensor (copied).</summary>
    public FocalLoss(double gamma, Tensor? alpha, nn.Reduction reduction = nn.Reduction.Mean)
        : this(gamma, HostArray.OptionVector(alpha, "Focal", "alpha"), reduction) { }

    /// <summary>The focusing parameter.</summary>
    public double Gamma => gamma;

    /// <inheritdoc />
    public override Tensor forward(Tensor input, Tensor target)
    {
        ClassIndexLogits.Check("Focal", input, target);
        if (alpha is not null && alpha.size(0) != input.size(1))
            throw new ArgumentException($"Focal: alpha has {alpha.shape[0]} entries but input has {input.shape[1]} classes.");
        using var scope = NewDisposeScope();
        var logpT = ClassIndexLogits.AtTarget(nn.functional.log_softmax(input, 1), target);
        var loss = logpT.neg();
        if (gamma != 0)
        {
            var oneMinusPt = logpT.expm1().neg();
            var tiny = finfo(input.dtype).tiny;
            var safe = T(oneMinusPt) > tiny;
            var safeBase = where(safe, oneMinusPt, ones_like(oneMinusPt));
            var modulating = where(safe, Pow(safeBase, gamma), Pow(oneMinusPt.detach(), gamma));
            loss = modulating * loss;
        }
        if (alpha is not null)
            loss = alpha.to(input.dtype, input.device).index_select(0, target.to(input.device)) * loss;
        return Reduce(loss).MoveToOuterDisposeScope();
    }

    /// <summary>Registry entry.</summary>
    public static LossSpec Spec { get; } = new(
        Name: "focal",
        Title: "Focal (softmax)",
        Summary: "-alpha_y (1 - p_y)^gamma log p_y, p = softmax(x)",
        Task: LossTask.MultiClass,
        ExpectedOutput: ModelOutput.Logits,
        Target: TargetEncoding.ClassIndex,
        Options:
        [
            OptionSpec.Real("gamma", 2.0, "Focusing parameter: down-weights well-classified samples; 0 gives cross-entropy.",
                ">= 0 and finite", g => g >= 0 && !double.IsInfinity(g)),
            OptionSpec.RealVector("alpha", "Per-class weight of the true class (unset: 1 for every class).",
                "one entry per class, each >= 0 and finite", a => a >= 0 && !double.IsInfinity(a), perClass: true),
        ],
        Reference: LossSpec.FormulaReference,
        InputCount: 2,
        Factory: o => new FocalLoss(o.Real("gamma"), o.RealVector("alpha"), o.Reduction));
}

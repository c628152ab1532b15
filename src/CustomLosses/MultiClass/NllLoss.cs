using CustomLosses.Catalog;
using static TorchSharp.torch;

namespace CustomLosses.MultiClass;

/// <summary>
/// Negative log-likelihood on log-probabilities: <c>l_i = -w[y_i] x[i, y_i]</c>, 0 where
/// <c>y_i = ignore_index</c>.
/// </summary>
/// <remarks>
/// <para>Input: log-probabilities [N, C], [C] or [N, C, d1, ...] (the output of log_softmax over the class
/// dimension, dim 1; dim 0 for [C]). Target: class indices (int64) [N], [] or [N, d1, ...].</para>
/// <para>Mean reduction divides the sum by <c>sum_i w[y_i]</c> over non-ignored targets (their count when
/// unweighted): NaN when every target is ignored, as in PyTorch. Output: a scalar, or the target's shape
/// for reduction none. Mirrors <c>torch.nn.functional.nll_loss</c> / <c>torch.nn.NLLLoss</c>.</para>
/// </remarks>
public sealed class NllLoss : CustomLoss
{
    const string Name = "NLL";

    readonly Tensor? weight;

    /// <summary>Creates the loss.</summary>
    /// <param name="weight">Optional per-class weights (length C, each finite and &gt;= 0).</param>
    /// <param name="ignoreIndex">Target value that is ignored (contributes 0 and is left out of the mean).</param>
    /// <param name="reduction">none, mean or sum.</param>
    public NllLoss(double[]? weight = null, long ignoreIndex = -100, nn.Reduction reduction = nn.Reduction.Mean)
        : base(nameof(NllLoss), reduction)
    {
        IgnoreIndex = ignoreIndex;
        this.weight = ClassIndexTargets.WeightTensor(weight, Name);
        RegisterComponents();
    }

    /// <summary>Creates the loss with class weights given as a 1-D tensor (copied).</summary>
    public NllLoss(Tensor weight, long ignoreIndex = -100, nn.Reduction reduction = nn.Reduction.Mean)
        : base(nameof(NllLoss), reduction)
    {
        IgnoreIndex = ignoreIndex;
        this.weight = ClassIndexTargets.WeightTensor(weight, Name);
        RegisterComponents();
    }

    /// <summary>The ignored target value.</summary>
    public long IgnoreIndex { get; }

    /// <summary>The class weights (a registered buffer), or null.</summary>
    public Tensor? Weight => weight;

    /// <inheritdoc />
    public override Tensor forward(Tensor input, Tensor target)
    {
        using var scope = NewDisposeScope();
        int classDim = ClassIndexTargets.ClassDim(input, Name);
        long classes = input.size(classDim);
        var w = ClassIndexTargets.WeightFor(weight, input, classes, Name);
        var y = ClassIndexTargets.CheckIndexTarget(input, target, classDim, IgnoreIndex, Name, out bool everyTargetAClass).to(input.device);
        return (FastKernel(input, y, w, everyTargetAClass, classes) ?? Formula(input, y, w, classDim)).MoveToOuterDisposeScope();
    }

    /// <summary>The formula in the summary: <c>-w[y] logp[y]</c>, ignored targets left out, reduced.</summary>
    Tensor Formula(Tensor input, Tensor y, Tensor? w, int classDim)
    {
        var (perSample, weightSum, _) = ClassIndexTargets.Nll(input, y, w, IgnoreIndex, classDim);
        return Reduction switch
        {
            nn.Reduction.None => perSample,
            nn.Reduction.Sum => perSample.sum(),
            _ => perSample.sum() / weightSum,
        };
    }

    /// <summary>[N, C], float32/float64: a hand-written backward, one zero buffer and a scatter (see Kernels); else null.</summary>
    Tensor? FastKernel(Tensor input, Tensor y, Tensor? w, bool everyTargetAClass, long classes)
    {
        if (input.dim() != 2 || !Kernels.LossFunction.Floating(input))
            return null;
        bool everyRow = Kernels.ClassIndexRows.EveryRowCounts(w, everyTargetAClass, IgnoreIndex, classes);
        return Kernels.NllFunction.apply(input, y, w!, IgnoreIndex, Reduction, everyRow);
    }

    /// <summary>Registry entry.</summary>
    public static LossSpec Spec { get; } = new(
        Name: "nll",
        Title: "Negative log-likelihood",
        Summary: "-w_y x_y on log-probabilities",
        Task: LossTask.MultiClass,
        ExpectedOutput: ModelOutput.LogProbabilities,
        Target: TargetEncoding.ClassIndex,
        Options:
        [
            OptionSpec.RealVector("weight", "Per-class weights (one per class); unset: all 1.",
                "one finite value >= 0 per class", v => v >= 0, perClass: true),
            OptionSpec.Integer("ignore_index", -100, "Target value to ignore (left out of the loss and of the mean)."),
        ],
        Reference: "torch.nn.functional.nll_loss",
        InputCount: 2,
        Factory: o => new NllLoss(o.RealVector("weight"), o.Integer("ignore_index"), o.Reduction));
}

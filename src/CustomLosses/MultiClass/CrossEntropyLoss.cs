using CustomLosses.Catalog;
using static CustomLosses.KeptMath;
using static TorchSharp.torch;

namespace CustomLosses.MultiClass;

/// <summary>
/// Cross-entropy on logits, exactly as PyTorch 2.x defines it, with <c>logp = log_softmax(x)</c> over the
/// class dimension (dim 1; dim 0 for a single sample [C]).
/// </summary>
/// <remarks>
/// <para>Input: logits [N, C], [C] or [N, C, d1, ...] (no activation).</para>
/// <para>Class-index targets (int64) of shape [N], [] or [N, d1, ...]:
/// <c>l_i = -w[y_i] logp[i, y_i]</c>, 0 where <c>y_i = ignore_index</c>. Mean reduction divides the sum by
/// <c>sum_i w[y_i]</c> over non-ignored targets (their count when unweighted), so a batch whose targets
/// are all ignored gives NaN, as PyTorch does. With label smoothing eps the result is
/// <c>(1 - eps) nll + (eps / C) smooth</c>, where <c>smooth_i = -sum_c w[c] logp[i, c]</c> (0 when ignored) is
/// reduced like the NLL term (mean: divided by the same <c>sum_i w[y_i]</c>).</para>
/// <para>Probability targets (floating, the input's shape): <c>t' = t (1 - eps) + eps / C</c>,
/// <c>l_i = -sum_c w[c] t'[i, c] logp[i, c]</c>; mean divides by the number of samples
/// (<c>numel / C</c>), not by the weights. ignore_index must then be negative (PyTorch's rule).</para>
/// <para>Output: a scalar, or the target's shape (index targets) / the input's shape without the class
/// dimension (probability targets) for reduction none.
/// Mirrors <c>torch.nn.functional.cross_entropy</c> / <c>torch.nn.CrossEntropyLoss</c>.</para>
/// </remarks>
public sealed class CrossEntropyLoss : CustomLoss
{
    const string Name = "CrossEntropy";

    readonly Tensor? weight;

    /// <summary>Creates the loss.</summary>
    /// <param name="weight">Optional per-class weights (length C, each finite and &gt;= 0).</param>
    /// <param name="ignoreIndex">Class-index target value that is ignored (contributes 0 and is left out of the mean).</param>
    /// <param name="labelSmoothing">Label smoothing in [0, 1].</param>
    /// <param name="reduction">none, mean or sum.</param>
    public CrossEntropyLoss(double[]? weight = null, long ignoreIndex = -100, double labelSmoothing = 0.0,
        nn.Reduction reduction = nn.Reduction.Mean) : base(nameof(CrossEntropyLoss), reduction)
    {
        CheckLabelSmoothing(labelSmoothing);
        IgnoreIndex = ignoreIndex;
        LabelSmoothing = labelSmoothing;
        this.weight = ClassIndexTargets.WeightTensor(weight, Name);
        RegisterComponents();
    }

    /// <summary>Creates the loss with class weights given as a 1-D tensor (copied).</summary>
    public CrossEntropyLoss(Tensor weight, long ignoreIndex = -100, double labelSmoothing = 0.0,
        nn.Reduction reduction = nn.Reduction.Mean) : base(nameof(CrossEntropyLoss), reduction)
    {
        CheckLabelSmoothing(labelSmoothing);
        IgnoreIndex = ignoreIndex;
        LabelSmoothing = labelSmoothing;
        this.weight = ClassIndexTargets.WeightTensor(weight, Name);
        RegisterComponents();
    }

    static void CheckLabelSmoothing(double labelSmoothing)
    {
        Spec.CheckArgument("label_smoothing", labelSmoothing);
    }

    /// <summary>The ignored class-index target value.</summary>
    public long IgnoreIndex { get; }

    /// <summary>The label smoothing amount.</summary>
    public double LabelSmoothing { get; }

    /// <summary>The class weights (a registered buffer), or null.</summary>
    public Tensor? Weight => weight;

    /// <inheritdoc />
    public override Tensor forward(Tensor input, Tensor target)
    {
        using var scope = NewDisposeScope();
        int classDim = ClassIndexTargets.ClassDim(input, Name);
        long classes = input.size(classDim);
        var w = ClassIndexTargets.WeightFor(weight, input, classes, Name);
        return (FastKernel(input, target, w, classDim, classes) ?? Formula(input, target, w, classDim, classes)).MoveToOuterDisposeScope();
    }

    /// <summary>The formula in the summary: class-index or probability targets, label smoothing, weights, ignore_index.</summary>
    Tensor Formula(Tensor input, Tensor target, Tensor? w, int classDim, long classes)
    {
        double eps = LabelSmoothing;
        var logp = input.log_softmax(classDim);

        if (TensorShape.Same(target, input))
        {
            // Probability targets: PyTorch recognises them by the shape.
            if (!target.is_floating_point())
                throw new ArgumentException(
                    $"{Name}: a target with the input's shape holds class probabilities and must be floating point; got {target.dtype}.");
            if (IgnoreIndex >= 0)
                throw new ArgumentException($"{Name}: ignore_index = {IgnoreIndex} is not supported with probability targets; " +
                                            "use a negative ignore_index (default -100).");
            var t = target.to(input.dtype, input.device);
            if (eps > 0) t = T(t) * (1 - eps) + eps / classes;
            var prod = logp * t;
            if (w is not null) prod = prod * ClassIndexTargets.AlongClassDim(w, input, classDim);
            var perSample = prod.sum(classDim).neg();
            Tensor result = Reduction switch
            {
                nn.Reduction.None => perSample,
                nn.Reduction.Sum => perSample.sum(),
                _ => perSample.sum() / S((double)(input.numel() / classes)),
            };
            if (Reduction == nn.Reduction.Mean && input.numel() == 0) result = full_like(result, S(double.NaN));
            return result;
        }

        var y = ClassIndexTargets.CheckIndexTarget(input, target, classDim, IgnoreIndex, Name).to(input.device);
        var (nll, weightSum, keep) = ClassIndexTargets.Nll(logp, y, w, IgnoreIndex, classDim);
        Term loss = ReduceWeighted(nll, weightSum);
        if (eps > 0)
        {
            var weighted = w is null ? logp : logp * ClassIndexTargets.AlongClassDim(w, input, classDim);
            var smooth = weighted.sum(classDim).neg();
            smooth = where(keep, smooth, zeros_like(smooth));
            loss = (1 - eps) * loss + T(ReduceWeighted(smooth, weightSum)) * (eps / classes);
        }
        return loss;
    }

    /// <summary>
    /// The fast path: [N, C] logits, class-index targets, no label smoothing (weights and ignore_index kept): libtorch's
    /// log-softmax, then the hand-written NLL (no gather gradient or where masks). This is libtorch's own
    /// decomposition of cross_entropy, so the gradient is libtorch's bit for bit: NLL's backward writes the same
    /// -c at each target, and libtorch's log-softmax backward turns it into grad - exp(logp) sum(grad) with the
    /// exp of its softmax kernels. A fused backward of the form exp(logp) c - c at the target (the earlier
    /// CrossEntropyFunction) took exp from libtorch's element-wise exp, which rounds differently in about 9% of the
    /// elements, and those last-bit differences grew into a different training trajectory
    /// (results/validation/training-parity.md).
    /// Null where it does not apply.
    /// </summary>
    Tensor? FastKernel(Tensor input, Tensor target, Tensor? w, int classDim, long classes)
    {
        if (LabelSmoothing != 0 || input.dim() != 2 || TensorShape.Same(target, input) || !Kernels.LossFunction.Floating(input))
            return null;
        var y = ClassIndexTargets.CheckIndexTarget(input, target, classDim, IgnoreIndex, Name, out bool everyTargetAClass).to(input.device);
        bool everyRow = Kernels.ClassIndexRows.EveryRowCounts(w, everyTargetAClass, IgnoreIndex, classes);
        return Kernels.NllFunction.apply(input.log_softmax(1), y, w!, IgnoreIndex, Reduction, everyRow);
    }

    Tensor ReduceWeighted(Tensor perSample, Tensor weightSum) => Reduction switch
    {
        nn.Reduction.None => perSample,
        nn.Reduction.Sum => perSample.sum(),
        _ => perSample.sum() / weightSum,
    };

    /// <summary>Registry entry.</summary>
    public static LossSpec Spec { get; } = new(
        Name: "cross-entropy",
        Title: "Cross-entropy",
        Summary: "-sum_c w_c t_c log softmax(x)_c (class indices or probabilities, optional label smoothing)",
        Task: LossTask.MultiClass,
        ExpectedOutput: ModelOutput.Logits,
        Target: TargetEncoding.ClassIndexOrProbabilities,
        Options:
        [
            OptionSpec.RealVector("weight", "Per-class weights (one per class); unset: all 1.",
                "one finite value >= 0 per class", v => v >= 0, perClass: true),
            OptionSpec.Integer("ignore_index", -100, "Class-index target value to ignore (left out of the loss and of the mean)."),
            OptionSpec.Real("label_smoothing", 0.0, "Mixes the target with the uniform distribution by this amount.",
                "[0, 1]", v => v >= 0 && v <= 1),
        ],
        Reference: "torch.nn.functional.cross_entropy",
        InputCount: 2,
        Factory: o => new CrossEntropyLoss(o.RealVector("weight"), o.Integer("ignore_index"), o.Real("label_smoothing"), o.Reduction));
}

using CustomLosses.Catalog;
using static CustomLosses.KeptMath;
using static TorchSharp.torch;

namespace CustomLosses.MultiClass;

/// <summary>
/// Shared plumbing of the class-index losses (cross-entropy, NLL, multi-margin, Crammer-Singer):
/// class-dimension rules, target checks, class-weight handling and PyTorch's weighted NLL.
/// </summary>
internal static class ClassIndexTargets
{
    /// <summary>The class dimension as PyTorch defines it: 0 for a 1-D input [C], else 1.</summary>
    public static int ClassDim(Tensor input, string loss)
    {
        if (input.dim() == 0)
            throw new ArgumentException($"{loss}: input must have a class dimension ([C], [N,C] or [N,C,d1,...]); got a 0-d tensor.");
        if (!input.is_floating_point())
            throw new ArgumentException($"{loss}: input must be floating point; got {input.dtype}.");
        return input.dim() == 1 ? 0 : 1;
    }

    /// <summary>The input's shape with the class dimension removed: the shape class-index targets must have.</summary>
    public static long[] TargetShape(Tensor input, int classDim) =>
        input.shape.Where((_, d) => d != classDim).ToArray();

    static string Format(long[] shape) => "[" + string.Join(",", shape) + "]";

    /// <summary>
    /// Checks an index target against the input: integer dtype, shape = input shape without the class
    /// dimension, and every non-ignored value in [0, C). Returns the target as int64.
    /// </summary>
    public static Tensor CheckIndexTarget(Tensor input, Tensor target, int classDim, long? ignoreIndex, string loss) =>
        CheckIndexTarget(input, target, classDim, ignoreIndex, loss, out _);

    /// <summary>
    /// <see cref="CheckIndexTarget(Tensor, Tensor, int, long?, string)"/>, also telling whether every target is a class in
    /// [0, C) (then a negative or out-of-range ignore_index ignores nothing).
    /// </summary>
    public static Tensor CheckIndexTarget(Tensor input, Tensor target, int classDim, long? ignoreIndex, string loss, out bool everyTargetAClass)
    {
        everyTargetAClass = false;
        if (target.is_floating_point() || target.dtype == ScalarType.Bool || target.is_complex())
            throw new ArgumentException($"{loss}: class-index targets must be an integer tensor (int64); got {target.dtype}.");
        if (!TensorShape.SameWithout(input, classDim, target))
        {
            var expected = TargetShape(input, classDim);
            var actual = target.shape;
            if (input.dim() == 2 && actual.Length == 1)
                throw new ArgumentException($"{loss}: target has {actual[0]} rows but input has {expected[0]}.");
            throw new ArgumentException(
                $"{loss}: target shape {Format(actual)} does not match input shape {Format(input.shape)}; " +
                $"expected {Format(expected)} (the input's shape without the class dimension {classDim}).");
        }
        var t = target.to(ScalarType.Int64);
        long classes = input.size(classDim);
        if (t.numel() > 0)
        {
            using var noGrad = no_grad();
            // The common case in one reduction and two reads: every target a class. Only otherwise (ignored rows, or a bad
            // value to report) the element-wise check below, which costs five more kernels and took 17 of a 128 x 10
            // cross-entropy's 100 microseconds.
            var (low, high) = t.aminmax();
            if (HostValue.Read<long>(low) >= 0 && HostValue.Read<long>(high) < classes)
            {
                everyTargetAClass = true;
                return t;
            }
            var bad = t.lt(S(0L)).logical_or(t.ge(S(classes)));
            if (ignoreIndex is long ii) bad = bad.logical_and(t.ne(S(ii)));
            if (HostValue.Read<bool>(bad.any()))
            {
                long value = t.masked_select(bad).cpu()[0].item<long>();
                throw new ArgumentException($"{loss}: target {value} is out of bounds; valid class indices are 0..{classes - 1}" +
                    (ignoreIndex is long i2 ? $" (or ignore_index = {i2})." : "."));
            }
        }
        return t;
    }

    /// <summary>Validates class weights given as numbers and stores them as a float64 tensor (outside any dispose scope).</summary>
    public static Tensor? WeightTensor(double[]? weight, string loss)
    {
        if (weight is null) return null;
        CheckWeights(weight, loss);
        return tensor(weight, dtype: ScalarType.Float64).DetachFromDisposeScope();
    }

    /// <summary>Validates class weights given as a tensor and keeps a private copy (outside any dispose scope).</summary>
    public static Tensor? WeightTensor(Tensor? weight, string loss)
    {
        if (weight is null) return null;
        if (weight.dim() != 1)
            throw new LossOptionException($"{loss}: weight must be a 1-D tensor with one entry per class; got {weight.dim()} dimensions.");
        using (var scope = NewDisposeScope())
            CheckWeights(weight.detach().to(ScalarType.Float64).cpu().data<double>().ToArray(), loss);
        return weight.detach().clone().DetachFromDisposeScope();
    }

    static void CheckWeights(double[] weight, string loss)
    {
        if (weight.Length == 0)
            throw new LossOptionException($"{loss}: weight = [] is out of range; valid: one finite value >= 0 per class.");
        for (int i = 0; i < weight.Length; i++)
            if (!(weight[i] >= 0) || double.IsInfinity(weight[i]))
                throw new LossOptionException(
                    $"{loss}: weight = {OptionSpec.FormatValue(weight)} is out of range (entry {i} is {OptionSpec.FormatValue(weight[i])}); " +
                    "valid: one finite value >= 0 per class.");
    }

    /// <summary>The weight cast to the input's dtype and device, after checking it has one entry per class.</summary>
    public static Tensor? WeightFor(Tensor? weight, Tensor input, long classes, string loss)
    {
        if (weight is null) return null;
        if (weight.numel() != classes)
            throw new ArgumentException(
                $"{loss}: weight has {weight.numel()} entries but the input has {classes} classes (dimension size); give one weight per class.");
        return weight.to(input.dtype, input.device);
    }

    /// <summary>Reshapes a per-class vector [C] so that it broadcasts along <paramref name="classDim"/> of <paramref name="input"/>.</summary>
    public static Tensor AlongClassDim(Tensor perClass, Tensor input, int classDim)
    {
        var shape = Enumerable.Repeat(1L, (int)input.dim()).ToArray();
        shape[classDim] = perClass.numel();
        return perClass.view(shape);
    }

    /// <summary>
    /// PyTorch's weighted NLL on log-probabilities: per-sample <c>-w[y] logp[y]</c> (0 where the target
    /// is ignored) and the mean's denominator <c>sum of w[y]</c> over non-ignored targets (their count
    /// when unweighted). Ignored entries are removed with <c>where</c>, so they get an exact zero
    /// gradient even when the denominator is 0 (every target ignored), as libtorch's kernel does.
    /// </summary>
    public static (Tensor PerSample, Tensor WeightSum, Tensor Keep) Nll(Tensor logp, Tensor target, Tensor? weight, long ignoreIndex, int classDim)
    {
        var keep = target.ne(S(ignoreIndex));
        var safe = target.masked_fill(keep.logical_not(), S(0L));
        var picked = logp.gather(classDim, safe.unsqueeze(classDim)).squeeze(classDim);
        var zero = zeros_like(picked);
        Tensor perSample, weightSum;
        if (weight is null)
        {
            perSample = where(keep, picked.neg(), zero);
            weightSum = keep.to(logp.dtype).sum();
        }
        else
        {
            var wy = weight.take(safe);
            perSample = where(keep, wy.neg() * picked, zero);
            weightSum = where(keep, wy, zeros_like(wy)).sum();
        }
        return (perSample, weightSum, keep);
    }

    /// <summary>Whole-number-of-samples mask [N, C] (or [C]) that is true at each row's target class.</summary>
    public static Tensor TargetMask(Tensor input, Tensor target, int classDim)
    {
        long classes = input.size(classDim);
        var classes1 = Arange(classes, ScalarType.Int64, input.device);
        return input.dim() == 1 ? classes1.eq(target) : classes1.view(1, classes).eq(target.view(-1, 1));
    }
}

using System.Globalization;
using CustomLosses;
using CustomLosses.Catalog;
using static TorchSharp.torch;

namespace Harness.Validation.Checks.MultiClass;

/// <summary>
/// Helpers shared by the class-index checks (cross-entropy, NLL, multi-margin, KL, Crammer-Singer):
/// case inputs, option reading, and the [N, C, S] layout PyTorch uses for inputs [C], [N, C] and
/// [N, C, d1, ...] (class dimension 1, or 0 for a single sample).
/// </summary>
internal static class ClassCases
{
    /// <summary>Class indices in [0, classes) with any shape (int64).</summary>
    public static Tensor Indices(Generator g, long[] shape, long classes) =>
        randint(0, classes, shape, dtype: ScalarType.Int64, generator: g);

    /// <summary>Int64 targets from literal values.</summary>
    public static Tensor Targets(params long[] values) => tensor(values, dtype: ScalarType.Int64);

    /// <summary>Probability targets with the input's shape: softmax of normals over the class dimension.</summary>
    public static Tensor Probabilities(Generator g, long[] shape)
    {
        using var logits = CaseInputs.Normal(g, shape);
        return logits.softmax(shape.Length == 1 ? 0 : 1);
    }

    /// <summary>Log-probabilities with the given shape: log_softmax of normals times <paramref name="scale"/>.</summary>
    public static Tensor LogProbabilities(Generator g, long[] shape, double scale = 1.0)
    {
        using var logits = CaseInputs.Normal(g, shape, scale);
        return logits.log_softmax(shape.Length == 1 ? 0 : 1);
    }

    /// <summary>
    /// Logits [n, c] with one class per row at +<paramref name="magnitude"/> and the others at
    /// -<paramref name="magnitude"/> plus small noise; the huge class is row i's class (i mod c).
    /// </summary>
    public static Tensor HugeLogits(Generator g, long n, long c, double magnitude)
    {
        var x = CaseInputs.Normal(g, [n, c]).add_(CachedScalars.Of(-magnitude), CachedScalars.One);
        for (long i = 0; i < n; i++) x[i, i % c] = tensor(magnitude + 0.25 * (i % 3), dtype: ScalarType.Float64);
        return x;
    }

    /// <summary>Shape as text, for case labels.</summary>
    public static string Format(long[] shape) => "[" + string.Join(",", shape) + "]";

    /// <summary>
    /// The PyTorch layout of a class input: N samples, C classes, S positions per sample (product of the
    /// trailing dimensions); element (n, c, s) is at <c>(n C + c) S + s</c>, target (n, s) at <c>n S + s</c>.
    /// </summary>
    public static (int N, int C, int S) Layout(long[] shape)
    {
        if (shape.Length == 1) return (1, (int)shape[0], 1);
        int s = 1;
        for (int d = 2; d < shape.Length; d++) s *= (int)shape[d];
        return ((int)shape[0], (int)shape[1], s);
    }

    static object? Raw(LossCase c, string name) =>
        c.Options.Values.FirstOrDefault(kv => string.Equals(kv.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>A real option of the case, or its default.</summary>
    public static double Real(LossCase c, string name, double @default) =>
        Raw(c, name) is { } v ? Convert.ToDouble(v, CultureInfo.InvariantCulture) : @default;

    /// <summary>An integer option of the case, or its default.</summary>
    public static long Integer(LossCase c, string name, long @default) =>
        Raw(c, name) is { } v ? Convert.ToInt64(v, CultureInfo.InvariantCulture) : @default;

    /// <summary>A boolean option of the case, or its default.</summary>
    public static bool Boolean(LossCase c, string name, bool @default) =>
        Raw(c, name) is { } v ? Convert.ToBoolean(v, CultureInfo.InvariantCulture) : @default;

    /// <summary>A per-class vector option of the case, or null.</summary>
    public static double[]? Vector(LossCase c, string name) => (double[]?)Raw(c, name);

    /// <summary>
    /// Why PyTorch's mean over class-index targets is not the plain mean of reduction none in case <paramref name="c"/>,
    /// or null when it is: with class weights it divides by the summed weights of the (non-ignored) targets, and with
    /// ignored targets by their count. Probability targets take the plain mean over samples.
    /// </summary>
    public static string? WeightedMean(LossCase c)
    {
        if (c.Inputs[1].is_floating_point()) return null;
        if (Vector(c, "weight") != null) return "class weights: PyTorch divides the mean by the summed weights of the targets";
        long ignore = Integer(c, "ignore_index", -100);
        return HostArray.From(c.Inputs[1]).Data.Any(y => y == ignore)
            ? "ignored targets: PyTorch divides the mean by the number of targets not ignored"
            : null;
    }

    /// <summary>log_softmax of values[(n C + c) S + s] over c, by the max-shifted log-sum-exp.</summary>
    public static double[] LogSoftmax(double[] values, int n, int s, int classes, int positions)
    {
        double max = double.NegativeInfinity;
        for (int k = 0; k < classes; k++) max = Math.Max(max, values[(n * classes + k) * positions + s]);
        double sum = 0;
        for (int k = 0; k < classes; k++) sum += Math.Exp(values[(n * classes + k) * positions + s] - max);
        double lse = max + Math.Log(sum);
        var logp = new double[classes];
        for (int k = 0; k < classes; k++) logp[k] = values[(n * classes + k) * positions + s] - lse;
        return logp;
    }

    /// <summary>Options from name/value pairs (shorthand).</summary>
    public static LossOptions Of(params (string Name, object? Value)[] pairs) => LossOptions.Of(pairs);
}

using CustomLosses;
using static TorchSharp.torch;

namespace Harness.Validation;

/// <summary>Seeded input generators for loss cases (float64, CPU).</summary>
public static class CaseInputs
{
    /// <summary>Standard normal values times <paramref name="scale"/>.</summary>
    public static Tensor Normal(Generator g, long[] shape, double scale = 1.0) =>
        randn(shape, dtype: ScalarType.Float64, generator: g).mul_(CachedScalars.Of(scale));

    /// <summary>Uniform values in [low, high).</summary>
    public static Tensor Uniform(Generator g, long[] shape, double low, double high) =>
        rand(shape, dtype: ScalarType.Float64, generator: g).mul_(CachedScalars.Of(high - low)).add_(CachedScalars.Of(low), CachedScalars.One);

    /// <summary>Class indices in [0, classes), shape [n] (int64).</summary>
    public static Tensor ClassIndices(Generator g, long n, long classes) =>
        randint(0, classes, [n], dtype: ScalarType.Int64, generator: g);

    /// <summary>Random probability rows (softmax of normal logits), shape [n, classes].</summary>
    public static Tensor ProbabilityRows(Generator g, long n, long classes)
    {
        using var logits = Normal(g, [n, classes]);
        return logits.softmax(1);
    }

    /// <summary>Values in {0, 1}.</summary>
    public static Tensor ZeroOne(Generator g, long[] shape) =>
        randint(0, 2, shape, dtype: ScalarType.Float64, generator: g);

    /// <summary>Values in {-1, +1}.</summary>
    public static Tensor PlusMinusOne(Generator g, long[] shape) =>
        randint(0, 2, shape, dtype: ScalarType.Float64, generator: g).mul_(CachedScalars.Of(2L)).sub_(CachedScalars.Of(1L));

    /// <summary>Probabilities strictly inside (margin, 1 - margin).</summary>
    public static Tensor OpenProbabilities(Generator g, long[] shape, double margin = 0.02) =>
        Uniform(g, shape, margin, 1 - margin);
}

using static TorchSharp.torch;

namespace Harness.Validation;

/// <summary>
/// How close two numbers must be: |a - b| &lt;= max(Relative * |b|, Absolute). NaN matches only NaN, and an
/// infinity only the same infinity: a NaN or Inf where the other side has none is always a mismatch.
/// </summary>
/// <param name="Relative">Relative tolerance.</param>
/// <param name="Absolute">Absolute floor, for values near zero.</param>
public sealed record Tolerance(double Relative, double Absolute)
{
    /// <summary>float64 parity: relative 1e-10, floor 1e-12.</summary>
    public static Tolerance Float64 { get; } = new(1e-10, 1e-12);

    /// <summary>float32 parity: relative 1e-5, floor 1e-6.</summary>
    public static Tolerance Float32 { get; } = new(1e-5, 1e-6);

    /// <summary>
    /// Central differences in float64 against autograd. The step h = 1e-6 leaves a truncation error of
    /// order h^2 |f'''| and a rounding error of order 1e-16 |f| / h, about 1e-10 |f|: far below this,
    /// and far above it for a gradient off by a factor.
    /// </summary>
    public static Tolerance FiniteDifference { get; } = new(1e-5, 1e-6);

    /// <summary>The parity tolerance for a dtype.</summary>
    public static Tolerance For(ScalarType dtype) => dtype == ScalarType.Float64 ? Float64 : Float32;

    /// <summary>
    /// The error of <paramref name="actual"/> against <paramref name="expected"/> in units of the
    /// relative tolerance (so it reads as a relative error): within tolerance when &lt;= Relative.
    /// Infinite for a NaN/Inf mismatch.
    /// </summary>
    public double Error(double actual, double expected)
    {
        if (double.IsNaN(actual) || double.IsNaN(expected))
            return double.IsNaN(actual) && double.IsNaN(expected) ? 0 : double.PositiveInfinity;
        if (double.IsInfinity(actual) || double.IsInfinity(expected))
            return actual == expected ? 0 : double.PositiveInfinity;
        var scale = Math.Max(Math.Abs(expected), Absolute / Relative);
        return Math.Abs(actual - expected) / scale;
    }

    /// <summary>
    /// Like <see cref="Error(double, double)"/>, but relative to at least <paramref name="magnitude"/>: for sums compared in
    /// another order, whose rounding grows with the magnitudes of their terms, not with the (possibly cancelled) result.
    /// </summary>
    public double Error(double actual, double expected, double magnitude)
    {
        var error = Error(actual, expected);
        if (double.IsInfinity(error) || error == 0) return error;
        var scale = Math.Max(Math.Max(Math.Abs(expected), Math.Abs(magnitude)), Absolute / Relative);
        return Math.Abs(actual - expected) / scale;
    }

    /// <summary>The worst <see cref="Error(double, double)"/> over two equally long sequences (infinite when lengths differ).</summary>
    public double WorstError(IReadOnlyList<double> actual, IReadOnlyList<double> expected)
    {
        if (actual.Count != expected.Count) return double.PositiveInfinity;
        double worst = 0;
        for (int i = 0; i < actual.Count; i++) worst = Math.Max(worst, Error(actual[i], expected[i]));
        return worst;
    }

    /// <summary>True when an error from <see cref="Error(double, double)"/> is within tolerance.</summary>
    public bool Accepts(double error) => error <= Relative;
}

using MathNet.Numerics.Distributions;

namespace Harness.Reporting;

// MathNet.Numerics supplies the Student t distribution (quantiles and CDF). The alternative is a hand-written
// regularized incomplete beta function and its inverse, which is exactly the kind of special-function code that is
// easy to get subtly wrong; MathNet's is tested and managed-only (no native dependencies).

/// <summary>Mean, sample standard deviation and a two-sided Student t confidence interval of a sample.</summary>
/// <param name="Count">Number of values (finite values only).</param>
/// <param name="Mean">Mean; NaN when <paramref name="Count"/> is 0.</param>
/// <param name="StandardDeviation">Sample standard deviation (n - 1 denominator); NaN when fewer than 2 values.</param>
/// <param name="HalfWidth">Half-width of the confidence interval, t(1 - (1 - level) / 2, n - 1) * sd / sqrt(n); NaN when fewer than 2 values.</param>
/// <param name="Level">Confidence level, e.g. 0.95.</param>
public sealed record SampleSummary(int Count, double Mean, double StandardDeviation, double HalfWidth, double Level)
{
    /// <summary>Lower end of the confidence interval (NaN when undefined).</summary>
    public double Lower => Mean - HalfWidth;
    /// <summary>Upper end of the confidence interval (NaN when undefined).</summary>
    public double Upper => Mean + HalfWidth;
    /// <summary>An interval exists (at least 2 values).</summary>
    public bool HasInterval => double.IsFinite(HalfWidth);

    /// <summary>Summarizes the finite values of <paramref name="values"/> (NaN and infinities are skipped).</summary>
    public static SampleSummary Of(IEnumerable<double> values, double level = 0.95)
    {
        var xs = values.Where(double.IsFinite).ToArray();
        if (xs.Length == 0) return new SampleSummary(0, double.NaN, double.NaN, double.NaN, level);
        var mean = xs.Average();
        if (xs.Length < 2) return new SampleSummary(1, mean, double.NaN, double.NaN, level);
        var sd = Math.Sqrt(xs.Sum(x => (x - mean) * (x - mean)) / (xs.Length - 1));
        var half = StudentQuantile(level, xs.Length - 1) * sd / Math.Sqrt(xs.Length);
        return new SampleSummary(xs.Length, mean, sd, half, level);
    }

    /// <summary>The two-sided critical value t(1 - (1 - level) / 2, dof): 12.706 for 1 dof, 4.303 for 2 at 95%.</summary>
    public static double StudentQuantile(double level, int degreesOfFreedom) =>
        StudentT.InvCDF(0, 1, degreesOfFreedom, 1 - (1 - level) / 2);
}

/// <summary>
/// A paired comparison of a loss against the baseline over the seeds where both have a finite score: the per-seed
/// differences (loss - baseline), their mean and confidence interval, and a two-sided paired t-test.
/// </summary>
/// <param name="Differences">The per-seed differences, in seed order.</param>
/// <param name="Seeds">The seeds of <paramref name="Differences"/>.</param>
/// <param name="Summary">Mean, sd and CI of the differences.</param>
/// <param name="T">The paired t statistic, mean / (sd / sqrt(n)); null when it is not defined.</param>
/// <param name="PValue">Two-sided p-value, 2 F(-|t|; n - 1); null when not defined.</param>
/// <param name="Note">Why there is no test ("fewer than 2 pairs", "the differences have zero variance"), or null.</param>
public sealed record PairedComparison(
    IReadOnlyList<double> Differences, IReadOnlyList<int> Seeds, SampleSummary Summary, double? T, double? PValue, string? Note)
{
    /// <summary>Compares two per-seed score maps; only seeds present and finite in both are paired.</summary>
    public static PairedComparison Of(IReadOnlyDictionary<int, double> scores, IReadOnlyDictionary<int, double> baseline, double level = 0.95)
    {
        var seeds = scores.Keys.Where(s => baseline.ContainsKey(s) && double.IsFinite(scores[s]) && double.IsFinite(baseline[s]))
            .OrderBy(s => s).ToList();
        var diffs = seeds.Select(s => scores[s] - baseline[s]).ToList();
        var summary = SampleSummary.Of(diffs, level);
        if (diffs.Count < 2) return new PairedComparison(diffs, seeds, summary, null, null, $"fewer than 2 paired seeds ({diffs.Count})");
        // Zero variance, also up to rounding: the differences are all equal (often all zero: identical runs).
        if (!(summary.StandardDeviation > 1e-12 * Math.Max(1, Math.Abs(summary.Mean))))
            return new PairedComparison(diffs, seeds, summary, null, null, "the differences have zero variance");
        var t = summary.Mean / (summary.StandardDeviation / Math.Sqrt(diffs.Count));
        // The lower tail keeps its precision where 1 - CDF(|t|) would round to 0.
        var p = 2 * StudentT.CDF(0, 1, diffs.Count - 1, -Math.Abs(t));
        return new PairedComparison(diffs, seeds, summary, t, Math.Clamp(p, 0, 1), null);
    }
}

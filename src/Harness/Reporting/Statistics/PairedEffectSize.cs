namespace Harness.Reporting.Statistics;

/// <summary>
/// Standardized effect size of a paired comparison. A p-value says whether a difference can be told from noise; the
/// effect size says how large it is relative to the seed-to-seed spread, which does not shrink as seeds are added.
/// </summary>
public static class PairedEffectSize
{
    /// <summary>
    /// Cohen's d_z: the mean of the paired differences divided by their sample standard deviation (n - 1).
    /// Non-finite differences are skipped, as in <see cref="SampleSummary.Of"/>.
    /// </summary>
    /// <returns>Null when there are fewer than 2 differences or their standard deviation is 0 (up to rounding, with the
    /// same tolerance as <see cref="PairedComparison.Of"/>), where the ratio is undefined or infinite.</returns>
    public static double? CohensDz(IReadOnlyList<double> differences)
    {
        ArgumentNullException.ThrowIfNull(differences);
        var summary = SampleSummary.Of(differences);
        if (summary.Count < 2) return null;
        if (!(summary.StandardDeviation > 1e-12 * Math.Max(1, Math.Abs(summary.Mean)))) return null;
        return summary.Mean / summary.StandardDeviation;
    }
}

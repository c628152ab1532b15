namespace Harness.Reporting.Statistics;

/// <summary>
/// Holm's step-down correction for testing several losses against one reference: it controls the family-wise error
/// rate like Bonferroni but is uniformly more powerful, so a grid of many losses does not drown every real difference.
/// </summary>
public static class HolmBonferroni
{
    /// <summary>
    /// Holm-adjusted p-values, in the input order. With the m defined p-values sorted ascending, the i-th (1-based)
    /// becomes p_(i) (m - i + 1); a running maximum keeps the adjusted values in the same order as the raw ones (a
    /// smaller raw p must never end up with a larger adjusted p than a larger raw p has), and each is capped at 1.
    /// </summary>
    /// <param name="pValues">Raw p-values; null entries (no test) stay null and do not count in m.</param>
    public static double?[] Adjust(IReadOnlyList<double?> pValues)
    {
        ArgumentNullException.ThrowIfNull(pValues);
        var adjusted = new double?[pValues.Count];
        // OrderBy is stable, so equal p-values keep their input order and the result does not depend on a sort's whims.
        var defined = Enumerable.Range(0, pValues.Count).Where(i => pValues[i].HasValue).OrderBy(i => pValues[i]!.Value).ToList();
        var m = defined.Count;
        var runningMax = 0.0;
        for (var rank = 0; rank < m; rank++)
        {
            var index = defined[rank];
            var p = pValues[index]!.Value;
            if (double.IsNaN(p) || p < 0 || p > 1) throw new ArgumentOutOfRangeException(nameof(pValues), p, "A p-value must lie in [0, 1].");
            runningMax = Math.Max(runningMax, Math.Min(1, p * (m - rank)));
            adjusted[index] = runningMax;
        }
        return adjusted;
    }
}

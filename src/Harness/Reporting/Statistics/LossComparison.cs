namespace Harness.Reporting.Statistics;

/// <summary>
/// An honest comparison of losses trained over the same seeds: each is paired by seed with a reference (the best by
/// mean, or a named baseline), tested with a paired t-test, and the p-values are Holm-corrected across the comparisons
/// so that a large grid does not manufacture winners. A contender that cannot be told apart from the reference is
/// reported as tied with it, which says the data cannot separate them, not that they are equally good.
/// </summary>
/// <param name="Standings">The contenders ordered by mean score, best first (ties in the mean keep the input order);
/// contenders without finite scores last.</param>
/// <param name="ReferenceName">The contender the others are compared with; null when no contender has a finite score.</param>
/// <param name="ReferenceIsBest">The reference is the best by mean (<see cref="AgainstBest"/>) rather than a named baseline.</param>
/// <param name="HigherIsBetter">Larger scores are better (accuracy) rather than smaller (RMSE).</param>
/// <param name="Alpha">Family-wise significance level the adjusted p-values are judged at.</param>
/// <param name="Level">Confidence level of the intervals.</param>
/// <param name="MinimumDetectableDifference">
/// The smallest mean paired difference this grid could detect at <paramref name="Alpha"/> with power
/// <see cref="DetectableDifference.DefaultPower"/>: <see cref="DetectableDifference.Of"/> at the median sd of the paired
/// differences with the reference and <paramref name="DetectionPairs"/>; null when no comparison has 2 or more pairs.
/// </param>
/// <param name="DetectionPairs">The paired n behind <paramref name="MinimumDetectableDifference"/>: the smallest among the
/// comparisons, so the figure is not flattered by the best-covered loss; null with it.</param>
public sealed record LossComparison(
    IReadOnlyList<ContenderStanding> Standings,
    string? ReferenceName,
    bool ReferenceIsBest,
    bool HigherIsBetter,
    double Alpha,
    double Level,
    double? MinimumDetectableDifference,
    int? DetectionPairs)
{
    /// <summary>Compares every contender with the best one by mean score (Holm across all the comparisons with the best).</summary>
    /// <param name="contenders">The losses; names must be unique.</param>
    /// <param name="higherIsBetter">Larger scores are better.</param>
    /// <param name="alpha">Family-wise significance level, two-sided.</param>
    /// <param name="level">Confidence level of the t and bootstrap intervals.</param>
    public static LossComparison AgainstBest(IReadOnlyList<Contender> contenders, bool higherIsBetter, double alpha = 0.05, double level = 0.95)
    {
        var ordered = Order(contenders, higherIsBetter, level);
        var reference = ordered.Count > 0 && ordered[0].Summary.Count > 0 ? ordered[0].Contender : null;
        return Build(ordered, reference, referenceIsBest: true, higherIsBetter, alpha, level);
    }

    /// <summary>Compares every other contender with the named baseline (Holm across the non-baseline contenders).</summary>
    /// <param name="contenders">The losses; names must be unique and include <paramref name="baseline"/>.</param>
    /// <param name="baseline">Name of the reference contender.</param>
    /// <param name="higherIsBetter">Larger scores are better.</param>
    /// <param name="alpha">Family-wise significance level, two-sided.</param>
    /// <param name="level">Confidence level of the t and bootstrap intervals.</param>
    public static LossComparison AgainstBaseline(
        IReadOnlyList<Contender> contenders, string baseline, bool higherIsBetter, double alpha = 0.05, double level = 0.95)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        var ordered = Order(contenders, higherIsBetter, level);
        var reference = ordered.Select(o => o.Contender).FirstOrDefault(c => c.Name == baseline)
            ?? throw new ArgumentException($"No contender is named '{baseline}'.", nameof(baseline));
        return Build(ordered, reference, referenceIsBest: false, higherIsBetter, alpha, level);
    }

    static List<(Contender Contender, SampleSummary Summary)> Order(IReadOnlyList<Contender> contenders, bool higherIsBetter, double level)
    {
        ArgumentNullException.ThrowIfNull(contenders);
        var duplicate = contenders.GroupBy(c => c.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"The contender name '{duplicate.Key}' appears more than once.", nameof(contenders));
        var summarized = contenders.Select(c => (Contender: c, Summary: SampleSummary.Of(c.ScoresBySeed.Values, level))).ToList();
        // Sorting on a signed key keeps one stable OrderBy for both directions, so equal means keep the input order.
        var sign = higherIsBetter ? -1.0 : 1.0;
        return summarized.Where(s => s.Summary.Count > 0).OrderBy(s => sign * s.Summary.Mean)
            .Concat(summarized.Where(s => s.Summary.Count == 0)).ToList();
    }

    static LossComparison Build(
        List<(Contender Contender, SampleSummary Summary)> ordered, Contender? reference, bool referenceIsBest, bool higherIsBetter, double alpha,
        double level)
    {
        if (!(alpha > 0 && alpha < 1)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "Alpha must lie strictly between 0 and 1.");
        var rows = ordered.Select(o => Compare(o.Contender, o.Summary, reference, level)).ToList();
        var adjusted = HolmBonferroni.Adjust(rows.Select(r => r.PValue).ToList());
        var standings = rows.Select((r, i) =>
        {
            var isReference = ReferenceEquals(r.Contender, reference);
            var tied = isReference || (r.Summary.Count > 0 && (r.Identical || !(adjusted[i] < alpha)));
            // In seed order: the resampling draws indices, so the interval must not depend on how the dictionary was filled.
            var bySeed = r.Contender.ScoresBySeed.OrderBy(kv => kv.Key).Select(kv => kv.Value).ToList();
            return new ContenderStanding(r.Contender, r.Summary, BootstrapInterval.OfMean(bySeed, level),
                isReference, r.Comparison, r.PValue, adjusted[i], r.Comparison is null ? null : PairedEffectSize.CohensDz(r.Comparison.Differences),
                tied, r.Note);
        }).ToList();

        var tested = standings.Where(s => s.Comparison is { } c && double.IsFinite(c.Summary.StandardDeviation)).Select(s => s.Comparison!).ToList();
        double? detectable = null;
        int? pairs = null;
        if (tested.Count > 0)
        {
            pairs = tested.Min(c => c.Summary.Count);
            detectable = DetectableDifference.Of(Median(tested.Select(c => c.Summary.StandardDeviation)), pairs.Value, alpha);
        }
        return new LossComparison(standings, reference?.Name, referenceIsBest, higherIsBetter, alpha, level, detectable, pairs);
    }

    static (Contender Contender, SampleSummary Summary, PairedComparison? Comparison, double? PValue, bool Identical, string? Note) Compare(
        Contender contender, SampleSummary summary, Contender? reference, double level)
    {
        if (reference is null || summary.Count == 0)
            return (contender, summary, null, null, false, summary.Count == 0 ? "no finite scores" : null);
        if (ReferenceEquals(contender, reference)) return (contender, summary, null, null, false, null);
        var comparison = PairedComparison.Of(contender.ScoresBySeed, reference.ScoresBySeed, level);
        if (comparison.PValue is { } p) return (contender, summary, comparison, p, false, null);
        if (comparison.Differences.Count < 2) return (contender, summary, comparison, null, false, comparison.Note);

        // Zero variance over 2 or more pairs: no t statistic, but the data are unambiguous. Identical scores on every
        // seed cannot be told apart; a difference that is the same nonzero amount on every seed is as distinct as data
        // get, so it enters the Holm family with p = 0 rather than being dropped as "no test".
        var tolerance = 1e-12 * Math.Max(1, Math.Abs(summary.Mean));
        var identical = comparison.Differences.All(d => Math.Abs(d) <= tolerance);
        return identical
            ? (contender, summary, comparison, null, true, $"identical to {reference.Name} on all {comparison.Differences.Count} paired seeds")
            : (contender, summary, comparison, 0.0, false,
                $"the differences from {reference.Name} are constant over {comparison.Differences.Count} paired seeds (zero variance); " +
                "treated as p = 0 (distinct)");
    }

    static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}

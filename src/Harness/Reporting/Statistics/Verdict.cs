using System.Globalization;

namespace Harness.Reporting.Statistics;

/// <summary>
/// A short plain-English verdict on a <see cref="LossComparison"/> against the best, written only from its numbers. It
/// names the group that cannot be told apart from the best rather than a single winner, and never claims that losses
/// are equally good: failing to separate them with a few seeds is not evidence of equality.
/// </summary>
public static class Verdict
{
    /// <summary>
    /// One to three sentences (a fourth names contenders without scores): the tied-best group with the range of its
    /// means, each loss distinguishable from the best with its mean and adjusted p, and the smallest difference the
    /// grid could detect.
    /// </summary>
    /// <param name="comparison">A comparison made by <see cref="LossComparison.AgainstBest"/>.</param>
    /// <param name="metricLabel">What the scores are, e.g. "test RMSE at the selected epoch".</param>
    /// <param name="decimals">Decimals for scores and differences.</param>
    /// <param name="alpha">The level the adjusted p-values are judged at (normally the comparison's own).</param>
    public static string Write(LossComparison comparison, string metricLabel, int decimals, double alpha)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        ArgumentNullException.ThrowIfNull(metricLabel);
        ArgumentOutOfRangeException.ThrowIfNegative(decimals);
        if (!comparison.ReferenceIsBest)
            throw new ArgumentException("The verdict speaks of the best; pass a comparison made by LossComparison.AgainstBest.", nameof(comparison));

        var scored = comparison.Standings.Where(s => s.HasScores).ToList();
        var unscored = comparison.Standings.Where(s => !s.HasScores).Select(s => s.Name).ToList();
        var sentences = new List<string>();
        if (scored.Count == 0)
            sentences.Add($"No loss has a finite score by {metricLabel}; there is nothing to compare.");
        else if (scored.Count == 1)
            sentences.Add($"Only {scored[0].Name} has a score by {metricLabel} ({Number(scored[0].Summary.Mean, decimals)}); " +
                          "there is nothing to compare it with.");
        else
        {
            var best = scored[0];
            var tied = scored.Where(s => s.IsReference || Tied(s, alpha)).ToList();
            var worse = scored.Where(s => !s.IsReference && !Tied(s, alpha)).ToList();
            var range = Range(tied.Select(s => s.Summary.Mean), decimals);
            if (worse.Count == 0)
            {
                sentences.Add($"No loss can be told apart from the best by {metricLabel} with these {SeedCount(scored)} seeds (means {range}); " +
                    "this is not evidence that they are equally good.");
            }
            else
            {
                sentences.Add(tied.Count == 1
                    ? $"{best.Name} is best by {metricLabel} ({range})."
                    : $"{JoinNames(tied.Select(s => s.Name).ToList())} are tied best by {metricLabel} ({range}).");
                // A p of exactly 0 comes from a difference that is the same on every seed; saying so reads better than "p = 0".
                var clauses = worse.Select(s => s.AdjustedPValue!.Value == 0
                    ? $"{s.Name} is worse ({Number(s.Summary.Mean, decimals)}; the same difference from {best.Name} on every paired seed)"
                    : $"{s.Name} is worse ({Number(s.Summary.Mean, decimals)}; adjusted p {PValue(s.AdjustedPValue!.Value)} against {best.Name})").ToList();
                sentences.Add(JoinNames(clauses) + ".");
            }
            if (comparison.MinimumDetectableDifference is { } detectable && comparison.DetectionPairs is { } pairs)
                sentences.Add($"With {pairs.ToString(CultureInfo.InvariantCulture)} seeds the smallest difference this grid could detect " +
                    $"(power {Probability(DetectableDifference.DefaultPower)} at alpha {Probability(alpha)}) is about {Number(detectable, decimals)}.");
        }
        if (unscored.Count > 0)
            sentences.Add($"{JoinNames(unscored)} {(unscored.Count == 1 ? "has" : "have")} no finite score.");
        return string.Join(" ", sentences);
    }

    // Judged at the caller's alpha, which may differ from the one the comparison stored its TiedWithReference at. No
    // adjusted p (no test, or identical scores) means the pair cannot be told apart.
    static bool Tied(ContenderStanding s, double alpha) => !(s.AdjustedPValue < alpha);

    // The seeds any contender was scored on: what "these N seeds" means to a reader of the grid.
    static int SeedCount(IEnumerable<ContenderStanding> scored) =>
        scored.SelectMany(s => s.Contender.ScoresBySeed.Where(kv => double.IsFinite(kv.Value)).Select(kv => kv.Key)).Distinct().Count();

    static string Range(IEnumerable<double> means, int decimals)
    {
        var list = means.ToList();
        string low = Number(list.Min(), decimals), high = Number(list.Max(), decimals);
        if (low == high) return low;
        // A hyphen between negative numbers ("-0.5--0.3") misreads; words do not.
        return list.Min() < 0 || list.Max() < 0 ? $"{low} to {high}" : $"{low}-{high}";
    }

    static string PValue(double p) =>
        p < 0.001 ? "= " + p.ToString("0.0E+00", CultureInfo.InvariantCulture)
        : "= " + p.ToString("0.000", CultureInfo.InvariantCulture);

    static string Probability(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    static string Number(double value, int decimals) => value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    static string JoinNames(IReadOnlyList<string> items) => items.Count switch
    {
        1 => items[0],
        2 => $"{items[0]} and {items[1]}",
        _ => string.Join(", ", items.Take(items.Count - 1)) + " and " + items[^1],
    };
}

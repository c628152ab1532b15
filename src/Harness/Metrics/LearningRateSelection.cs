namespace Harness.Metrics;

/// <summary>One tuning run's outcome: its candidate rate, tuning seed and validation score at its selected epoch (null: diverged or none).</summary>
/// <param name="LearningRate">The candidate rate.</param>
/// <param name="Seed">The tuning seed.</param>
/// <param name="ValidationScore">The selection value at the run's selected epoch; null when the run diverged or had no validation value.</param>
public sealed record TuningOutcome(double LearningRate, int Seed, double? ValidationScore);

/// <summary>A candidate rate's validation scores over the tuning seeds.</summary>
/// <param name="LearningRate">The rate.</param>
/// <param name="Scores">One per tuning seed; NaN where the run diverged.</param>
/// <param name="Mean">Mean of <paramref name="Scores"/>; NaN when any is NaN (a rate that diverged on some seed is never chosen over one that did not).</param>
public sealed record CandidateRate(double LearningRate, IReadOnlyList<double> Scores, double Mean);

/// <summary>The rate chosen for one loss, and every candidate's scores.</summary>
/// <param name="Chosen">The rate with the best mean validation score (the first listed on ties; the first candidate when every one diverged).</param>
/// <param name="Candidates">In config order.</param>
/// <param name="AllDiverged">No candidate has a mean: the first was taken by default.</param>
public sealed record RateChoice(double Chosen, IReadOnlyList<CandidateRate> Candidates, bool AllDiverged);

/// <summary>
/// Picks a loss's learning rate from its tuning runs by the best mean validation score over the tuning seeds. Test
/// numbers never enter: a tuning run's outcome is its validation score at its validation-selected epoch. The runner and
/// the report both call this, so the rate the report names is the rate the evaluation runs used.
/// </summary>
public static class LearningRateSelection
{
    /// <summary>Chooses among <paramref name="candidates"/> (config order) from the tuning outcomes of one loss.</summary>
    public static RateChoice Choose(IReadOnlyList<double> candidates, IEnumerable<TuningOutcome> outcomes, bool higherIsBetter)
    {
        var byRate = outcomes.ToLookup(o => o.LearningRate);
        var scored = candidates.Select(rate =>
        {
            var scores = byRate[rate].OrderBy(o => o.Seed).Select(o => o.ValidationScore is { } v && double.IsFinite(v) ? v : double.NaN).ToList();
            var mean = scores.Count == 0 || scores.Any(double.IsNaN) ? double.NaN : scores.Average();
            return new CandidateRate(rate, scores, mean);
        }).ToList();
        CandidateRate? best = null;
        foreach (var c in scored)
            if (double.IsFinite(c.Mean) && (best == null || (higherIsBetter ? c.Mean > best.Mean : c.Mean < best.Mean)))
                best = c;
        return new RateChoice(best?.LearningRate ?? candidates[0], scored, best == null);
    }
}

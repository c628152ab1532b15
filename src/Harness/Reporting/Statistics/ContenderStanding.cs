namespace Harness.Reporting.Statistics;

/// <summary>
/// Where one contender stands in a <see cref="LossComparison"/>: its own summary over seeds, and (unless it is the
/// reference) how it compares with the reference, paired by seed.
/// </summary>
/// <param name="Contender">The contender.</param>
/// <param name="Summary">Mean, sd and Student t interval of its finite scores.</param>
/// <param name="Bootstrap">Percentile bootstrap interval of its mean (<see cref="BootstrapInterval.OfMean"/>); NaN when fewer than 2 scores.</param>
/// <param name="IsReference">This is the reference (the best, or the named baseline) the others are compared with.</param>
/// <param name="Comparison">The paired comparison, this contender minus the reference; null for the reference and for contenders without finite scores.</param>
/// <param name="PValue">The raw p-value entering the Holm correction: the paired t-test's, or 0 when the differences are a
/// nonzero constant; null when there is no test.</param>
/// <param name="AdjustedPValue">Holm-adjusted p-value across all comparisons with the reference; null when there is no test.</param>
/// <param name="EffectSize">Cohen's d_z of the paired differences (<see cref="PairedEffectSize.CohensDz"/>); null when undefined.</param>
/// <param name="TiedWithReference">
/// Cannot be told apart from the reference: the adjusted p is at least alpha, there is no test (fewer than 2 paired
/// seeds), or the scores are identical on every paired seed. True for the reference itself; false for a contender
/// without finite scores, which has nothing to be tied with.
/// </param>
/// <param name="Note">Why the comparison is special (no test, identical, constant difference, no scores), or null.</param>
public sealed record ContenderStanding(
    Contender Contender,
    SampleSummary Summary,
    (double Lower, double Upper) Bootstrap,
    bool IsReference,
    PairedComparison? Comparison,
    double? PValue,
    double? AdjustedPValue,
    double? EffectSize,
    bool TiedWithReference,
    string? Note)
{
    /// <summary>The contender's name.</summary>
    public string Name => Contender.Name;

    /// <summary>The contender has at least one finite score.</summary>
    public bool HasScores => Summary.Count > 0;
}

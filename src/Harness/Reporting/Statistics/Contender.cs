namespace Harness.Reporting.Statistics;

/// <summary>One loss in a comparison: its name and its score on each seed it was trained with.</summary>
/// <param name="Name">Display name; unique within a comparison.</param>
/// <param name="ScoresBySeed">The score per seed; NaN or infinite scores (diverged or unfinished runs) are ignored.</param>
public sealed record Contender(string Name, IReadOnlyDictionary<int, double> ScoresBySeed);

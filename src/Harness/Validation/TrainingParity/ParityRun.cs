namespace Harness.Validation.TrainingParity;

/// <summary>A loss with a twin that the parity run could not train, and why.</summary>
/// <param name="Name">Registry name.</param>
/// <param name="Reason">Why it was left out.</param>
public sealed record ParitySkip(string Name, string Reason);

/// <summary>A training-parity run: its settings, one result per pair, and the losses left out.</summary>
public sealed class ParityRun
{
    /// <summary>The settings it ran with.</summary>
    public required ParitySettings Settings { get; init; }
    /// <summary>Controls first (the twin against itself, a planted error), then the losses.</summary>
    public required IReadOnlyList<ParityResult> Results { get; init; }
    /// <summary>Losses with a twin that were not trained.</summary>
    public required IReadOnlyList<ParitySkip> Skipped { get; init; }
    /// <summary>Wall time.</summary>
    public required TimeSpan Elapsed { get; init; }
}

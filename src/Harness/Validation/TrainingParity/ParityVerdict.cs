namespace Harness.Validation.TrainingParity;

/// <summary>How a candidate loss trains compared with its twin.</summary>
public enum ParityVerdict
{
    /// <summary>Every gradient and every parameter equal to the last bit at every step.</summary>
    BitIdentical,
    /// <summary>The parameters drift apart, but never by more than the envelope of pure rounding noise.</summary>
    RoundingLevel,
    /// <summary>The parameter drift left the rounding envelope.</summary>
    Divergent,
}

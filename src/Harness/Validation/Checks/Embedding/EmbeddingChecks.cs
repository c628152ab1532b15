namespace Harness.Validation.Checks.Embedding;

/// <summary>Validation checks of the Embedding group's losses.</summary>
public static class EmbeddingChecks
{
    /// <summary>One check per loss of the group.</summary>
    public static IReadOnlyList<LossCheck> All { get; } =
    [
        new MarginRankingCheck(),
        new CosineEmbeddingCheck(),
        new TripletMarginCheck(),
    ];
}

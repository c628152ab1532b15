using CustomLosses.Catalog;

namespace CustomLosses.Embedding;

/// <summary>The pair, embedding and other losses, in catalogue order.</summary>
public static class EmbeddingLosses
{
    /// <summary>Registry entries of this group.</summary>
    public static IReadOnlyList<LossSpec> Specs { get; } =
    [
        MarginRankingLoss.Spec,
        CosineEmbeddingLoss.Spec,
        TripletMarginLoss.Spec,
    ];
}

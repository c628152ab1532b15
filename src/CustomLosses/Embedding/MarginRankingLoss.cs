using CustomLosses.Catalog;
using static CustomLosses.KeptMath;
using static TorchSharp.torch;

namespace CustomLosses.Embedding;

/// <summary>
/// Margin ranking loss: <c>l = max(0, -y (x1 - x2) + margin)</c>, where <c>y = 1</c> says x1 should rank
/// higher than x2 and <c>y = -1</c> the opposite. Reduced by mean (default), sum or none.
/// </summary>
/// <remarks>
/// forward(x1, x2, y). x1, x2: scores of the same shape (usually [N]); y: values in {-1, +1}, same
/// number of dimensions (broadcast as PyTorch does). Output: scalar, or the broadcast shape for
/// reduction none. At the hinge (loss exactly 0) the gradient is passed through, as clamp_min does.
/// Mirrors <c>torch.nn.functional.margin_ranking_loss</c>.
/// </remarks>
public sealed class MarginRankingLoss : CustomLoss3
{
    /// <summary>Creates the loss.</summary>
    /// <param name="margin">Required score gap (any real, default 0).</param>
    /// <param name="reduction">none, mean or sum.</param>
    public MarginRankingLoss(double margin = 0.0, nn.Reduction reduction = nn.Reduction.Mean) : base(nameof(MarginRankingLoss), reduction)
    {
        Spec.CheckArgument("margin", margin);
        Margin = margin;
    }

    /// <summary>The required score gap.</summary>
    public double Margin { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor x1, Tensor x2, Tensor y)
    {
        if (x1.dim() != x2.dim() || x1.dim() != y.dim())
            throw new ArgumentException(
                $"MarginRanking: all inputs must have the same number of dimensions, but x1 has shape {EmbeddingShapes.Format(x1.shape)}, " +
                $"x2 {EmbeddingShapes.Format(x2.shape)} and y {EmbeddingShapes.Format(y.shape)}.");
        EmbeddingShapes.RequireBroadcastable("MarginRanking", "x1", x1.shape, "x2", x2.shape);
        EmbeddingShapes.RequireBroadcastable("MarginRanking", "x1", x1.shape, "y", y.shape);
        using var scope = NewDisposeScope();
        var loss = ClampMin(-y * T(x1 - x2) + Margin, 0.0);
        return Reduce(loss).MoveToOuterDisposeScope();
    }

    /// <summary>Registry entry.</summary>
    public static LossSpec Spec { get; } = new(
        Name: "margin-ranking",
        Title: "Margin ranking",
        Summary: "max(0, -y (x1 - x2) + margin), y in {-1, 1}",
        Task: LossTask.Embedding,
        ExpectedOutput: ModelOutput.Embeddings,
        Target: TargetEncoding.PlusMinusOne,
        Options:
        [
            OptionSpec.Real("margin", 0.0, "Required score gap between the higher and the lower ranked input.", "any finite real number",
                v => !double.IsInfinity(v)),
        ],
        Reference: "torch.nn.functional.margin_ranking_loss",
        InputCount: 3,
        Factory: o => new MarginRankingLoss(o.Real("margin"), o.Reduction));
}

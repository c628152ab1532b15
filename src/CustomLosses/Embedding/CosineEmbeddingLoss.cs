using CustomLosses.Catalog;
using static CustomLosses.KeptMath;
using static TorchSharp.torch;

namespace CustomLosses.Embedding;

/// <summary>
/// Cosine embedding loss: with <c>cos = sum(x1 x2) / sqrt((sum(x1^2) + 1e-12)(sum(x2^2) + 1e-12))</c>
/// over the embedding dimension, <c>l = 1 - cos</c> for <c>y = 1</c> (similar pairs) and
/// <c>l = max(0, cos - margin)</c> for <c>y = -1</c> (dissimilar pairs); other y values give 0.
/// Reduced by mean (default), sum or none.
/// </summary>
/// <remarks>
/// forward(x1, x2, y). x1, x2: embeddings [N, D] with y [N], or single embeddings [D] with a scalar y.
/// Output: scalar, or [N] (a scalar for [D] inputs) for reduction none. The 1e-12 terms keep zero
/// vectors finite (cos = 0), exactly as PyTorch's EPSILON. y gets no gradient.
/// Mirrors <c>torch.nn.functional.cosine_embedding_loss</c>.
/// </remarks>
public sealed class CosineEmbeddingLoss : CustomLoss3
{
    // PyTorch's EPSILON (aten/src/ATen/native/Loss.cpp) is the float 1e-12f, 9.99999996e-13 as a double.
    const double Epsilon = (double)1e-12f;

    /// <summary>Creates the loss.</summary>
    /// <param name="margin">Cosine above which dissimilar pairs are penalised; in [-1, 1] (default 0).</param>
    /// <param name="reduction">none, mean or sum.</param>
    public CosineEmbeddingLoss(double margin = 0.0, nn.Reduction reduction = nn.Reduction.Mean) : base(nameof(CosineEmbeddingLoss), reduction)
    {
        Spec.CheckArgument("margin", margin);
        Margin = margin;
    }

    /// <summary>Cosine above which dissimilar pairs are penalised.</summary>
    public double Margin { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor x1, Tensor x2, Tensor y)
    {
        long targetDim = y.dim();
        if (targetDim > 1)
            throw new ArgumentException($"CosineEmbedding: y must be [N] (or a scalar for [D] inputs), but has shape {EmbeddingShapes.Format(y.shape)}.");
        long inputDim = targetDim + 1;
        if (x1.dim() != inputDim || x2.dim() != inputDim)
            throw new ArgumentException(
                $"CosineEmbedding: a {(targetDim == 1 ? "1-D" : "scalar")} y needs {inputDim}-D inputs, but x1 has shape " +
                $"{EmbeddingShapes.Format(x1.shape)} and x2 {EmbeddingShapes.Format(x2.shape)}.");
        EmbeddingShapes.RequireBroadcastable("CosineEmbedding", "x1", x1.shape, "x2", x2.shape);
        if (targetDim == 1 && y.size(0) != 1 && x1.size(0) != 1 && y.size(0) != x1.size(0))
            throw new ArgumentException($"CosineEmbedding: y has {y.shape[0]} entries but x1 has {x1.shape[0]} rows.");

        using var scope = NewDisposeScope();
        var product = (x1 * x2).sum(targetDim);
        var squared1 = T((x1 * x1).sum(targetDim)) + Epsilon;
        var squared2 = T((x2 * x2).sum(targetDim)) + Epsilon;
        var cos = product / Sqrt(squared1 * squared2);
        var zeros = zeros_like(cos);
        Term similar = where(y.eq(S(1.0)), 1.0 - cos, zeros);
        var dissimilar = where(y.eq(S(-1.0)), ClampMin(cos - Margin, 0.0), zeros);
        return Reduce(similar + dissimilar).MoveToOuterDisposeScope();
    }

    /// <summary>Registry entry.</summary>
    public static LossSpec Spec { get; } = new(
        Name: "cosine-embedding",
        Title: "Cosine embedding",
        Summary: "1 - cos(x1, x2) if y = 1; max(0, cos(x1, x2) - margin) if y = -1",
        Task: LossTask.Embedding,
        ExpectedOutput: ModelOutput.Embeddings,
        Target: TargetEncoding.PlusMinusOne,
        Options: [OptionSpec.Real("margin", 0.0, "Cosine similarity above which dissimilar pairs are penalised.", "[-1, 1]", v => v >= -1 && v <= 1)],
        Reference: "torch.nn.functional.cosine_embedding_loss",
        InputCount: 3,
        Factory: o => new CosineEmbeddingLoss(o.Real("margin"), o.Reduction));
}

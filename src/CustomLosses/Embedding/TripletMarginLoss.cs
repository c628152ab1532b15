using CustomLosses.Catalog;
using static CustomLosses.KeptMath;
using static TorchSharp.torch;

namespace CustomLosses.Embedding;

/// <summary>
/// Triplet margin loss: <c>l = max(0, margin + d(a, p) - d(a, n))</c> with
/// <c>d(u, v) = || u - v + eps ||_p</c> over the last dimension (PyTorch's pairwise_distance).
/// With <c>swap</c>, <c>d(a, n)</c> is replaced by <c>min(d(a, n), d(p, n))</c>. Reduced by mean
/// (default), sum or none.
/// </summary>
/// <remarks>
/// forward(anchor, positive, negative): embeddings [N, D] (or [D]), all with the same number of
/// dimensions (broadcast as PyTorch does). No target. Output: scalar, or [N] for reduction none.
/// Mirrors <c>torch.nn.functional.triplet_margin_loss</c>.
/// </remarks>
public sealed class TripletMarginLoss : CustomLoss3
{
    /// <summary>Creates the loss.</summary>
    /// <param name="margin">Required distance gap; &gt; 0 (default 1).</param>
    /// <param name="p">Norm degree, an integer &gt;= 1 (default 2).</param>
    /// <param name="eps">Added to the difference before the norm; &gt;= 0 (default 1e-6).</param>
    /// <param name="swap">Use the smaller of d(a, n) and d(p, n) (default false).</param>
    /// <param name="reduction">none, mean or sum.</param>
    public TripletMarginLoss(double margin = 1.0, long p = 2, double eps = 1e-6, bool swap = false, nn.Reduction reduction = nn.Reduction.Mean)
        : base(nameof(TripletMarginLoss), reduction)
    {
        Spec.CheckArgument("margin", margin);
        Spec.CheckArgument("p", p);
        Spec.CheckArgument("eps", eps);
        Margin = margin;
        P = p;
        Eps = eps;
        Swap = swap;
    }

    /// <summary>Required distance gap.</summary>
    public double Margin { get; }

    /// <summary>Norm degree.</summary>
    public long P { get; }

    /// <summary>Added to each difference before the norm.</summary>
    public double Eps { get; }

    /// <summary>Whether the distance swap is used.</summary>
    public bool Swap { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor anchor, Tensor positive, Tensor negative)
    {
        if (anchor.dim() != positive.dim() || positive.dim() != negative.dim())
            throw new ArgumentException(
                $"TripletMargin: anchor, positive and negative must have the same number of dimensions, but have shapes " +
                $"{EmbeddingShapes.Format(anchor.shape)}, {EmbeddingShapes.Format(positive.shape)} and {EmbeddingShapes.Format(negative.shape)}.");
        EmbeddingShapes.RequireBroadcastable("TripletMargin", "anchor", anchor.shape, "positive", positive.shape);
        EmbeddingShapes.RequireBroadcastable("TripletMargin", "anchor", anchor.shape, "negative", negative.shape);
        EmbeddingShapes.RequireBroadcastable("TripletMargin", "positive", positive.shape, "negative", negative.shape);

        using var scope = NewDisposeScope();
        Term positiveDistance = Distance(anchor, positive);
        var negativeDistance = Distance(anchor, negative);
        if (Swap) negativeDistance = negativeDistance.minimum(Distance(positive, negative));
        var loss = ClampMin(positiveDistance + Margin - negativeDistance, 0.0);
        return Reduce(loss).MoveToOuterDisposeScope();
    }

    // linalg.norm with a double ord and one dim is libtorch's linalg_vector_norm (the ord converted in libtorch, not into a
    // temporary TorchSharp Scalar as linalg.vector_norm does).
    Tensor Distance(Tensor u, Tensor v) => linalg.norm(T(u - v) + Eps, (double)P, [-1]);

    /// <summary>Registry entry.</summary>
    public static LossSpec Spec { get; } = new(
        Name: "triplet-margin",
        Title: "Triplet margin",
        Summary: "max(0, margin + d(a, p) - d(a, n)), d(u, v) = ||u - v + eps||_p",
        Task: LossTask.Embedding,
        ExpectedOutput: ModelOutput.Embeddings,
        Target: TargetEncoding.Real,
        Options:
        [
            OptionSpec.Real("margin", 1.0, "Required gap between the anchor-negative and anchor-positive distances.", "> 0",
                v => v > 0 && !double.IsInfinity(v)),
            OptionSpec.Integer("p", 2, "Degree of the norm used as distance.", "an integer >= 1", v => v >= 1),
            OptionSpec.Real("eps", 1e-6, "Added to each difference before the norm (PyTorch's pairwise_distance).", ">= 0",
                v => v >= 0 && !double.IsInfinity(v)),
            OptionSpec.Boolean("swap", false, "Use min(d(a, n), d(p, n)) as the negative distance."),
        ],
        Reference: "torch.nn.functional.triplet_margin_loss",
        InputCount: 3,
        Factory: o => new TripletMarginLoss(o.Real("margin"), o.Integer("p"), o.Real("eps"), o.Boolean("swap"), o.Reduction));
}

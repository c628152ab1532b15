using CustomLosses.Catalog;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace LossKernels;

/// <summary>How a loss's inputs are laid out: class scores [N, C] or element-wise values [N, D].</summary>
public enum Layout { Classes, Elements }

/// <summary>The two benchmarked sizes.</summary>
public enum Size { Small, Large }

/// <summary>
/// One benchmarked loss: how to make its inputs (float32, CPU, seeded), which inputs require grad, and
/// the libtorch function it is compared with — its twin (the built-in it mirrors, same options) or, for a
/// loss without one, a yardstick (the nearest fused built-in, to put the time in scale).
/// </summary>
public sealed record LossCase(
    string Name,
    Layout Layout,
    Func<long, long, Tensor[]> MakeInputs,
    bool[] RequiresGrad,
    string BuiltInName,
    bool IsTwin,
    Func<Tensor[], Tensor> BuiltIn,
    LossOptions? Options = null,
    bool BuiltInIsDefective = false)
{
    public (long N, long D) Shape(Size size) => size switch
    {
        Size.Small => (128, 10),
        _ => Layout == Layout.Classes ? (4096, 1000) : (4096, 256),
    };

    public string ShapeText(Size size) { var (n, d) = Shape(size); return $"{n} x {d}"; }
}

/// <summary>Every registered custom loss, with inputs and a built-in to compare against.</summary>
public static class LossCases
{
    static Tensor Randn(long n, long d) => randn(n, d, dtype: ScalarType.Float32);
    static Tensor Classes(long n, long c) => randint(0, c, [n], dtype: ScalarType.Int64);
    static Tensor ZeroOne(long n, long d) => randint(0, 2, [n, d]).to(ScalarType.Float32);
    static Tensor PlusMinusOne(long n, long d) => ZeroOne(n, d) * 2 - 1;
    static Tensor PlusMinusOne(long n) => randint(0, 2, [n]).to(ScalarType.Float32) * 2 - 1;

    /// <summary>Three distinct target classes per row, then -1 padding (multilabel-margin's format).</summary>
    static Tensor MultiLabelTargets(long n, long c)
    {
        var picked = rand(n, c).argsort(1).narrow(1, 0, 3);
        var pad = full(n, c - 3, -1L, dtype: ScalarType.Int64);
        return cat([picked, pad], 1);
    }

    static readonly bool[] First = [true, false];
    static readonly bool[] FirstTwo = [true, true, false];
    static readonly bool[] All3 = [true, true, true];
    static readonly bool[] GaussianGrads = [true, false, true];

    public static IReadOnlyList<LossCase> All { get; } =
    [
        // Regression (element-wise): 128 x 10 and 4096 x 256 values.
        new("mse", Layout.Elements, (n, d) => [Randn(n, d), Randn(n, d)], First,
            "mse_loss", true, x => F.mse_loss(x[0], x[1])),
        new("l1", Layout.Elements, (n, d) => [Randn(n, d), Randn(n, d)], First,
            "l1_loss", true, x => F.l1_loss(x[0], x[1])),
        new("huber", Layout.Elements, (n, d) => [Randn(n, d), Randn(n, d)], First,
            "huber_loss", true, x => F.huber_loss(x[0], x[1])),
        new("smooth-l1", Layout.Elements, (n, d) => [Randn(n, d), Randn(n, d)], First,
            "smooth_l1_loss", true, x => F.smooth_l1_loss(x[0], x[1])),
        new("log-cosh", Layout.Elements, (n, d) => [Randn(n, d), Randn(n, d)], First,
            "mse_loss", false, x => F.mse_loss(x[0], x[1])),
        new("quantile", Layout.Elements, (n, d) => [Randn(n, d), Randn(n, d)], First,
            "l1_loss", false, x => F.l1_loss(x[0], x[1])),
        new("poisson-nll", Layout.Elements, (n, d) => [Randn(n, d), randint(0, 6, [n, d]).to(ScalarType.Float32)], First,
            "poisson_nll_loss", true, x => F.poisson_nll_loss(x[0], x[1])),
        new("gaussian-nll", Layout.Elements, (n, d) => [Randn(n, d), Randn(n, d), rand(n, d) + 0.1], GaussianGrads,
            // TorchSharp's gaussian_nll_loss is written in C# and wrong (sums over non-batch dims, no variance
            // gradient: see results/validation/report.md); timed anyway, its value is not compared.
            "gaussian_nll_loss", true, x => F.gaussian_nll_loss(x[0], x[1], x[2]), BuiltInIsDefective: true),

        // Multi-class: logits 128 x 10 and 4096 x 1000.
        new("cross-entropy", Layout.Classes, (n, c) => [Randn(n, c), Classes(n, c)], First,
            "cross_entropy", true, x => F.cross_entropy(x[0], x[1])),
        new("nll", Layout.Classes, (n, c) => [Randn(n, c).log_softmax(1), Classes(n, c)], First,
            "nll_loss", true, x => F.nll_loss(x[0], x[1])),
        new("multi-margin", Layout.Classes, (n, c) => [Randn(n, c), Classes(n, c)], First,
            "multi_margin_loss", true, x => F.multi_margin_loss(x[0], x[1])),
        new("kl-div", Layout.Classes, (n, c) => [Randn(n, c).log_softmax(1), Randn(n, c).softmax(1)], First,
            "kl_div", true, x => F.kl_div(x[0], x[1], log_target: false)),
        new("crammer-singer", Layout.Classes, (n, c) => [Randn(n, c), Classes(n, c)], First,
            "multi_margin_loss", false, x => F.multi_margin_loss(x[0], x[1])),
        new("focal", Layout.Classes, (n, c) => [Randn(n, c), Classes(n, c)], First,
            "cross_entropy", false, x => F.cross_entropy(x[0], x[1])),
        new("gce", Layout.Classes, (n, c) => [Randn(n, c), Classes(n, c)], First,
            "cross_entropy", false, x => F.cross_entropy(x[0], x[1])),
        new("mae-prob", Layout.Classes, (n, c) => [Randn(n, c), Classes(n, c)], First,
            "cross_entropy", false, x => F.cross_entropy(x[0], x[1])),
        new("sce", Layout.Classes, (n, c) => [Randn(n, c), Classes(n, c)], First,
            "cross_entropy", false, x => F.cross_entropy(x[0], x[1])),
        new("poly1", Layout.Classes, (n, c) => [Randn(n, c), Classes(n, c)], First,
            "cross_entropy", false, x => F.cross_entropy(x[0], x[1])),

        // Binary / multi-label (element-wise): 128 x 10 and 4096 x 256 labels.
        new("bce", Layout.Elements, (n, d) => [Randn(n, d).sigmoid(), ZeroOne(n, d)], First,
            "binary_cross_entropy", true, x => F.binary_cross_entropy(x[0], x[1])),
        new("bce-with-logits", Layout.Elements, (n, d) => [Randn(n, d), ZeroOne(n, d)], First,
            "binary_cross_entropy_with_logits", true, x => F.binary_cross_entropy_with_logits(x[0], x[1])),
        new("hinge", Layout.Elements, (n, d) => [Randn(n, d), PlusMinusOne(n, d)], First,
            "soft_margin_loss", false, x => F.soft_margin_loss(x[0], x[1])),
        new("squared-hinge", Layout.Elements, (n, d) => [Randn(n, d), PlusMinusOne(n, d)], First,
            "soft_margin_loss", false, x => F.soft_margin_loss(x[0], x[1])),
        new("soft-margin", Layout.Elements, (n, d) => [Randn(n, d), PlusMinusOne(n, d)], First,
            "soft_margin_loss", true, x => F.soft_margin_loss(x[0], x[1])),
        new("multilabel-soft-margin", Layout.Elements, (n, d) => [Randn(n, d), ZeroOne(n, d)], First,
            "multilabel_soft_margin_loss", true, x => F.multilabel_soft_margin_loss(x[0], x[1])),
        new("sigmoid-focal", Layout.Elements, (n, d) => [Randn(n, d), ZeroOne(n, d)], First,
            "torchvision.ops.sigmoid_focal_loss", true, x => torchvision.ops.sigmoid_focal_loss(x[0], x[1], 0.25, 2.0, nn.Reduction.Mean)),
        new("hinge-embedding", Layout.Elements, (n, d) => [Randn(n, d).abs(), PlusMinusOne(n, d)], First,
            "hinge_embedding_loss", true, x => F.hinge_embedding_loss(x[0], x[1], margin: 1.0)),
        new("multilabel-margin", Layout.Classes, (n, c) => [Randn(n, c), MultiLabelTargets(n, c)], First,
            "multilabel_margin_loss", true, x => F.multi_label_margin_loss(x[0], x[1])),

        // Pairs and embeddings: N x D embeddings (margin-ranking: N*D scores).
        new("margin-ranking", Layout.Elements, (n, d) => [randn(n * d), randn(n * d), PlusMinusOne(n * d)], FirstTwo,
            "margin_ranking_loss", true, x => F.margin_ranking_loss(x[0], x[1], x[2])),
        new("cosine-embedding", Layout.Elements, (n, d) => [Randn(n, d), Randn(n, d), PlusMinusOne(n)], FirstTwo,
            "cosine_embedding_loss", true, x => F.cosine_embedding_loss(x[0], x[1], x[2])),
        new("triplet-margin", Layout.Elements, (n, d) => [Randn(n, d), Randn(n, d), Randn(n, d)], All3,
            "triplet_margin_loss", true, x => F.triplet_margin_loss(x[0], x[1], x[2])),
    ];

    public static LossCase Get(string name) => All.Single(c => c.Name == name);
}

using CustomLosses.Catalog;
using CustomLosses.Embedding;
using Xunit;
using static TorchSharp.torch;

namespace CustomLosses.Tests;

public class EmbeddingLossTests
{
    static Tensor T(params double[] values) => tensor(values, dtype: ScalarType.Float64);

    static Tensor M(long rows, long cols, params double[] values) => tensor(values, [rows, cols], ScalarType.Float64);

    static void Near(double expected, double actual, double tolerance = 1e-12) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance * Math.Max(1, Math.Abs(expected)), $"expected {expected}, got {actual}");

    static void AssertRangeError(string loss, string option, object value, string valueText, string range)
    {
        var e = Assert.Throws<LossOptionException>(() => LossRegistry.Resolve(loss, LossOptions.Of((option, value))));
        Assert.Contains(option, e.Message);
        Assert.Contains(valueText, e.Message);
        Assert.Contains(range, e.Message);
    }

    [Fact]
    public void MarginRanking_hand_computed()
    {
        // -y (x1 - x2) + 0.5: -(1 - 2) + 0.5 = 1.5; -(2 - 1) + 0.5 = -0.5 -> 0; y = -1: (3 - 1) + 0.5 = 2.5.
        using var loss = new MarginRankingLoss(0.5, nn.Reduction.None);
        var values = loss.call(T(1, 2, 3), T(2, 1, 1), T(1, 1, -1)).data<double>().ToArray();
        Assert.Equal(new[] { 1.5, 0.0, 2.5 }, values);
        Assert.Throws<ArgumentException>(() => loss.call(T(1, 2), T(2, 1), M(2, 1, 1, 1)));
    }

    [Fact]
    public void CosineEmbedding_hand_computed()
    {
        // Orthogonal pairs: cos = 0. y = 1 -> 1; y = -1 with margin -0.5 -> max(0, 0.5) = 0.5.
        using var loss = new CosineEmbeddingLoss(-0.5, nn.Reduction.None);
        var values = loss.call(M(2, 2, 1, 0, 0, 2), M(2, 2, 0, 3, 5, 0), T(1, -1)).data<double>().ToArray();
        Near(1.0, values[0]);
        Near(0.5, values[1]);
        // Opposite vectors, y = -1, margin 0: cos = -1 -> 0. Parallel, y = 1: about 0.
        using var plain = new CosineEmbeddingLoss();
        Near(0.0, plain.call(M(1, 2, 3, 4), M(1, 2, -6, -8), T(-1)).item<double>());
        Near(0.0, plain.call(M(1, 2, 3, 4), M(1, 2, 6, 8), T(1)).item<double>());
        // A single pair [D] takes a scalar y.
        Near(1.0, plain.call(T(1, 0), T(0, 1), tensor(1.0, dtype: ScalarType.Float64)).item<double>());
        // A zero vector stays finite: cos = 0.
        Near(1.0, plain.call(M(1, 2, 0, 0), M(1, 2, 1, 1), T(1)).item<double>());
        Assert.Throws<ArgumentException>(() => plain.call(M(2, 2, 1, 0, 0, 1), M(2, 2, 1, 0, 0, 1), M(2, 1, 1, 1)));
    }

    [Fact]
    public void TripletMargin_hand_computed()
    {
        // eps = 0: d(a, p) = |(3, 4)| = 5, d(a, n) = |(3, 5)| = sqrt(34); d(p, n) = 1.
        var a = M(1, 2, 0, 0);
        var p = M(1, 2, 3, 4);
        var n = M(1, 2, 3, 5);
        using var plain = new TripletMarginLoss(margin: 1.0, eps: 0.0);
        Near(1 + 5 - Math.Sqrt(34), plain.call(a, p, n).item<double>());
        using var swap = new TripletMarginLoss(margin: 1.0, eps: 0.0, swap: true);
        Near(1 + 5 - 1, swap.call(a, p, n).item<double>());
        using var l1 = new TripletMarginLoss(margin: 1.0, p: 1, eps: 0.0);
        Near(1 + 7 - 8, l1.call(a, p, n).item<double>());
        // Default eps = 1e-6 is added to each difference: d(a, p) = |(1e-6 - 3, 1e-6 - 4)|.
        using var byDefault = new TripletMarginLoss(margin: 10.0);
        double dap = Math.Sqrt(Math.Pow(1e-6 - 3, 2) + Math.Pow(1e-6 - 4, 2));
        double dan = Math.Sqrt(Math.Pow(1e-6 - 3, 2) + Math.Pow(1e-6 - 5, 2));
        Near(10 + dap - dan, byDefault.call(a, p, n).item<double>());
        Assert.Throws<ArgumentException>(() => plain.call(a, p, T(3, 5)));
    }

    [Fact]
    public void Out_of_range_options_are_rejected_with_name_value_and_range()
    {
        AssertRangeError("cosine-embedding", "margin", 1.5, "1.5", "[-1, 1]");
        AssertRangeError("triplet-margin", "margin", 0.0, "0", "> 0");
        AssertRangeError("triplet-margin", "p", 0L, "0", ">= 1");
        AssertRangeError("triplet-margin", "eps", -1.0, "-1", ">= 0");
        AssertRangeError("margin-ranking", "margin", double.PositiveInfinity, "Infinity", "finite");

        Assert.Contains("margin", Assert.Throws<LossOptionException>(() => new CosineEmbeddingLoss(-2)).Message);
        Assert.Contains("p = 0", Assert.Throws<LossOptionException>(() => new TripletMarginLoss(p: 0)).Message);
        Assert.Contains("margin", Assert.Throws<LossOptionException>(() => new TripletMarginLoss(margin: -1)).Message);
    }

    [Fact]
    public void Defaults_match_PyTorch()
    {
        Assert.Equal(0.0, LossRegistry.Resolve("margin-ranking").Real("margin"));
        Assert.Equal(0.0, LossRegistry.Resolve("cosine-embedding").Real("margin"));
        var triplet = LossRegistry.Resolve("triplet-margin");
        Assert.Equal(1.0, triplet.Real("margin"));
        Assert.Equal(2L, triplet.Integer("p"));
        Assert.Equal(1e-6, triplet.Real("eps"));
        Assert.False(triplet.Boolean("swap"));
        Assert.Equal(nn.Reduction.Mean, triplet.Reduction);

        var t = Assert.IsType<TripletMarginLoss>(LossRegistry.Create("triplet-margin", LossOptions.Of(("p", "3"), ("swap", "true"))));
        Assert.Equal(3, t.P);
        Assert.True(t.Swap);
        foreach (var name in new[] { "margin-ranking", "cosine-embedding", "triplet-margin" })
        {
            Assert.Equal(3, LossRegistry.Get(name).InputCount);
            Assert.Equal(LossTask.Embedding, LossRegistry.Get(name).Task);
        }
    }
}

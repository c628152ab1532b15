using CustomLosses.Binary;
using CustomLosses.Catalog;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace CustomLosses.Tests;

public class BinaryLossTests
{
    static readonly double Ln2 = Math.Log(2);

    static Tensor T(params double[] v) => tensor(v, dtype: ScalarType.Float64);
    static Tensor T2(double[] v, long rows, long cols) => tensor(v, dtype: ScalarType.Float64).reshape(rows, cols);

    static double Value(nn.Module<Tensor, Tensor, Tensor> loss, Tensor x, Tensor y)
    {
        using var scope = NewDisposeScope();
        return loss.call(x, y).item<double>();
    }

    static double[] Values(nn.Module<Tensor, Tensor, Tensor> loss, Tensor x, Tensor y)
    {
        using var scope = NewDisposeScope();
        return loss.call(x, y).data<double>().ToArray();
    }

    static void AssertOptionError(string loss, string option, object value, params string[] fragments)
    {
        var e = Assert.Throws<LossOptionException>(() => LossRegistry.Resolve(loss, LossOptions.Of((option, value))));
        Assert.Contains(option, e.Message);
        foreach (var f in fragments) Assert.Contains(f, e.Message);
    }

    // ---- bce ----

    [Fact]
    public void Bce_hand_computed()
    {
        // -[ln 0.5] and -[ln(1 - 0.8)] = ln 2 and ln 5: mean ln(10)/2.
        Assert.Equal(Math.Log(10) / 2, Value(new BceLoss(), T(0.5, 0.8), T(1, 0)), 12);
        Assert.Equal(2 * Ln2 + Math.Log(5), Value(new BceLoss(new[] { 2.0, 1.0 }, nn.Reduction.Sum), T(0.5, 0.8), T(1, 0)), 12);
    }

    [Fact]
    public void Bce_clamps_logs_at_minus_100_and_keeps_the_gradient_finite()
    {
        var x = T(0, 1, 0, 1).requires_grad_(true);
        var loss = new BceLoss(reduction: nn.Reduction.None).call(x, T(1, 0, 0, 1));
        Assert.Equal(new[] { 100.0, 100.0, 0.0, 0.0 }, loss.data<double>().ToArray());
        loss.sum().backward();
        var g = x.grad!.data<double>().ToArray();
        Assert.Equal(-1 / (double)1e-12f, g[0], 1e-3);
        Assert.Equal(1 / (double)1e-12f, g[1], 1e-3);
        Assert.Equal(0.0, g[2]);
        Assert.Equal(0.0, g[3]);
    }

    [Fact]
    public void Bce_rejects_inputs_outside_the_unit_interval_and_shape_mismatch()
    {
        var e = Assert.Throws<ArgumentException>(() => Value(new BceLoss(), T(0.5, 1.2), T(1, 0)));
        Assert.Contains("[0, 1]", e.Message);
        Assert.Contains("1.2", e.Message);
        e = Assert.Throws<ArgumentException>(() => Value(new BceLoss(), T(0.5, 0.2), T(1, 0, 1)));
        Assert.Contains("shape", e.Message);
        e = Assert.Throws<ArgumentException>(() => Value(new BceLoss(new[] { 1.0, 2.0, 3.0 }), T(0.5, 0.2), T(1, 0)));
        Assert.Contains("weight has 3 entries", e.Message);
    }

    [Fact]
    public void Bce_weight_moves_with_the_module()
    {
        var loss = new BceLoss(new[] { 2.0, 1.0 });
        loss.to(ScalarType.Float32);
        Assert.Equal(ScalarType.Float32, loss.Weight!.dtype);
        var x = tensor(new[] { 0.5f, 0.8f });
        Assert.Equal((2 * Ln2 + Math.Log(5)) / 2, loss.call(x, tensor(new[] { 1f, 0f })).item<float>(), 5);
    }

    // ---- bce-with-logits ----

    [Fact]
    public void BceWithLogits_hand_computed_and_stable()
    {
        Assert.Equal(Ln2 + 1000, Value(new BceWithLogitsLoss(reduction: nn.Reduction.Sum), T(0, 1000), T(1, 0)), 9);
        Assert.Equal(1000, Value(new BceWithLogitsLoss(reduction: nn.Reduction.Sum), T(-1000, 1000), T(1, 1)), 9);
        // pos_weight 3 scales the positive term: 3 ln 2 for x = 0, y = 1; the negative term is untouched.
        Assert.Equal(new[] { 3 * Ln2, Ln2 }, Values(new BceWithLogitsLoss(posWeight: new[] { 3.0 }, reduction: nn.Reduction.None), T(0, 0), T(1, 0)));
    }

    [Fact]
    public void BceWithLogits_pos_weight_must_be_non_negative()
    {
        var e = Assert.Throws<LossOptionException>(() =>
            LossRegistry.Resolve("bce-with-logits", LossOptions.Of(("pos_weight", new[] { 1.0, -1.0 }))));
        Assert.Contains("pos_weight", e.Message);
        Assert.Contains("-1", e.Message);
        Assert.Contains(">= 0", e.Message);
        var direct = Assert.Throws<LossOptionException>(() => new BceWithLogitsLoss(posWeight: new[] { -2.0 }));
        Assert.Contains("pos_weight[0] = -2", direct.Message);
    }

    // ---- hinge, squared-hinge ----

    [Fact]
    public void Hinge_and_squared_hinge_hand_computed()
    {
        Assert.Equal(3.5 / 3, Value(new HingeLoss(), T(0.5, -2, 3), T(1, 1, 1)), 12);
        Assert.Equal(new[] { 0.5, 3.0, 0.0 }, Values(new HingeLoss(reduction: nn.Reduction.None), T(0.5, -2, 3), T(1, 1, 1)));
        Assert.Equal(new[] { 0.25, 9.0, 0.0 }, Values(new SquaredHingeLoss(reduction: nn.Reduction.None), T(0.5, -2, 3), T(1, 1, 1)));
        // margin 2: max(0, 2 + 0.5) + max(0, 2 + 3).
        Assert.Equal(7.5, Value(new HingeLoss(2.0, nn.Reduction.Sum), T(-0.5, 3), T(1, -1)), 12);
    }

    [Fact]
    public void Hinge_rejects_non_plus_minus_one_targets_and_bad_margins()
    {
        var e = Assert.Throws<ArgumentException>(() => Value(new HingeLoss(), T(0.5, 1), T(1, 0)));
        Assert.Contains("-1 or +1", e.Message);
        Assert.Throws<ArgumentException>(() => Value(new SquaredHingeLoss(), T(0.5, 1), T(1, 0)));
        AssertOptionError("hinge", "margin", 0.0, "0", "> 0");
        AssertOptionError("squared-hinge", "margin", -1.0, "-1", "> 0");
        var direct = Assert.Throws<LossOptionException>(() => new HingeLoss(-1));
        Assert.Contains("margin = -1", direct.Message);
    }

    // ---- soft-margin ----

    [Fact]
    public void SoftMargin_hand_computed_and_finite_at_large_logits()
    {
        Assert.Equal(Ln2, Value(new SoftMarginLoss(), T(0.0), T(1)), 12);
        Assert.Equal(new[] { 1000.0, 0.0, 100.0 }, Values(new SoftMarginLoss(nn.Reduction.None), T(-1000, 1000, 100), T(1, 1, -1)));
    }

    // ---- multilabel-soft-margin ----

    [Fact]
    public void MultiLabelSoftMargin_hand_computed()
    {
        // One sample, two labels at logit 0: each term is ln 2, averaged over C = 2.
        Assert.Equal(Ln2, Value(new MultiLabelSoftMarginLoss(), T2([0, 0], 1, 2), T2([1, 0], 1, 2)), 12);
        // weight [2, 0]: (2 ln 2 + 0) / 2.
        Assert.Equal(Ln2, Value(new MultiLabelSoftMarginLoss(new[] { 2.0, 0.0 }), T2([0, 5], 1, 2), T2([1, 0], 1, 2)), 12);
        Assert.Equal(new long[] { 3 }, new MultiLabelSoftMarginLoss(reduction: nn.Reduction.None).call(T2(new double[6], 3, 2), T2(new double[6], 3, 2)).shape);
    }

    // ---- sigmoid-focal ----

    [Fact]
    public void SigmoidFocal_hand_computed_and_stable()
    {
        // x = 0, y = 1: ce = ln 2, 1 - p_t = 1/2, alpha_t = 0.25: ln 2 / 16.
        Assert.Equal(Ln2 / 16, Value(new SigmoidFocalLoss(), T(0.0), T(1)), 12);
        // x = 1000, y = 0: ce = 1000, 1 - p_t = 1, alpha_t = 0.75.
        Assert.Equal(750, Value(new SigmoidFocalLoss(), T(1000.0), T(0)), 9);
        Assert.Equal(0, Value(new SigmoidFocalLoss(), T(1000.0), T(1)), 12);
        // alpha -1 and gamma 0: plain BCE with logits.
        Assert.Equal(Ln2, Value(new SigmoidFocalLoss(-1, 0), T(0.0), T(1)), 12);
    }

    [Fact]
    public void SigmoidFocal_option_ranges()
    {
        AssertOptionError("sigmoid-focal", "alpha", 1.5, "1.5", "[0, 1], or -1");
        AssertOptionError("sigmoid-focal", "gamma", -1.0, "-1", ">= 0");
        LossRegistry.Resolve("sigmoid-focal", LossOptions.Of(("alpha", -1.0)));
        Assert.Throws<LossOptionException>(() => new SigmoidFocalLoss(alpha: -0.5));
    }

    // ---- hinge-embedding ----

    [Fact]
    public void HingeEmbedding_hand_computed()
    {
        Assert.Equal(new[] { 0.3, 0.7, 0.0 }, Values(new HingeEmbeddingLoss(reduction: nn.Reduction.None), T(0.3, 0.3, 1.5), T(1, -1, -1)));
        Assert.Equal(1.7, Value(new HingeEmbeddingLoss(2.0, nn.Reduction.Sum), T(0.3), T(-1)), 12);
    }

    // ---- multilabel-margin ----

    [Fact]
    public void MultiLabelMargin_matches_the_pytorch_documentation_example()
    {
        // torch.nn.MultiLabelMarginLoss docs: x = [[0.1, 0.2, 0.4, 0.8]], y = [[3, 0, -1, 1]] gives 0.85.
        var x = T2([0.1, 0.2, 0.4, 0.8], 1, 4);
        var y = tensor(new long[] { 3, 0, -1, 1 }).reshape(1, 4);
        Assert.Equal(0.85, Value(new MultiLabelMarginLoss(), x, y), 12);
        Assert.Equal(0.85, Value(new MultiLabelMarginLoss(), x.reshape(4), y.reshape(4)), 12);
    }

    [Fact]
    public void MultiLabelMargin_rejects_out_of_range_indices_and_float_targets()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            Value(new MultiLabelMarginLoss(), T2([0.1, 0.2, 0.4], 1, 3), tensor(new long[] { 3, -1, -1 }).reshape(1, 3)));
        Assert.Contains("target index 3 is out of range", e.Message);
        Assert.Throws<ArgumentException>(() => Value(new MultiLabelMarginLoss(), T2([0.1, 0.2, 0.4], 1, 3), T2([0, -1, -1], 1, 3)));
    }

    // ---- defaults ----

    [Fact]
    public void Defaults_match_pytorch()
    {
        var he = LossRegistry.Resolve("hinge-embedding");
        Assert.Equal(1.0, he.Real("margin"));              // PyTorch 1.0 (TorchSharp's functional default is 0)
        Assert.Equal(nn.Reduction.Mean, he.Reduction);
        Assert.Equal(1.0, new HingeEmbeddingLoss().Margin);
        var focal = LossRegistry.Resolve("sigmoid-focal");
        Assert.Equal(0.25, focal.Real("alpha"));
        Assert.Equal(2.0, focal.Real("gamma"));
        Assert.Equal(nn.Reduction.Mean, focal.Reduction); // the library's default (torchvision: none)
        Assert.Null(LossRegistry.Resolve("bce").RealVector("weight"));
        Assert.Null(LossRegistry.Resolve("bce-with-logits").RealVector("pos_weight"));
        Assert.Equal(1.0, LossRegistry.Resolve("hinge").Real("margin"));
        Assert.Equal(1.0, LossRegistry.Resolve("squared-hinge").Real("margin"));
        foreach (var name in new[] { "bce", "bce-with-logits", "hinge", "squared-hinge", "soft-margin",
                     "multilabel-soft-margin", "sigmoid-focal", "hinge-embedding", "multilabel-margin" })
            Assert.True(LossRegistry.Contains(name), name);
    }
}

using CustomLosses.Catalog;
using CustomLosses.MultiClass;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace CustomLosses.Tests;

/// <summary>Focal, GCE, MAE on probabilities, SCE and Poly-1: hand-computed values, options, inputs.</summary>
public class MultiClassRobustLossTests
{
    const double Tol = 1e-12;

    // Logits [ln 3, 0] give softmax [3/4, 1/4].
    static Tensor X3to1() => tensor(new[] { Math.Log(3), 0.0 }, [1, 2], dtype: ScalarType.Float64);
    static Tensor Y(params long[] y) => tensor(y, [y.Length], dtype: ScalarType.Int64);
    static double Value(nn.Module<Tensor, Tensor, Tensor> loss, Tensor x, Tensor y) => loss.call(x, y).item<double>();
    static nn.Module<Tensor, Tensor, Tensor> Create(string name, params (string, object?)[] options) =>
        (nn.Module<Tensor, Tensor, Tensor>)LossRegistry.Create(name, LossOptions.Of(options));

    [Fact]
    public void Focal_hand_computed()
    {
        // p_t = 1/2: (1/2)^2 * ln 2.
        Assert.Equal(0.25 * Math.Log(2), Value(new FocalLoss(), zeros(1, 2, dtype: ScalarType.Float64), Y(0)), Tol);
        // p_t = 3/4: (1/4)^2 * ln(4/3); alpha_0 = 0.5 halves it.
        Assert.Equal(Math.Log(4.0 / 3) / 16, Value(new FocalLoss(), X3to1(), Y(0)), Tol);
        Assert.Equal(0.5 * Math.Log(4.0 / 3) / 16, Value(new FocalLoss(alpha: [0.5, 3.0]), X3to1(), Y(0)), Tol);
    }

    [Fact]
    public void Focal_with_gamma_zero_is_cross_entropy()
    {
        var x = tensor(new[] { 0.3, -1.2, 2.0, 0.7, 0.1, -0.4, 5.0, -3.0, 1.0 }, [3, 3], dtype: ScalarType.Float64);
        var y = Y(2, 0, 1);
        foreach (var r in new[] { nn.Reduction.Mean, nn.Reduction.Sum, nn.Reduction.None })
        {
            var expected = nn.functional.cross_entropy(x, y, reduction: r);
            var actual = new FocalLoss(gamma: 0, reduction: r).call(x, y);
            Assert.True(actual.allclose(expected, rtol: 0, atol: Tol));
        }
    }

    [Fact]
    public void Focal_alpha_moves_with_to_and_reductions_shape()
    {
        var loss = new FocalLoss(alpha: [1.0, 2.0, 3.0], reduction: nn.Reduction.None);
        loss.to(ScalarType.Float32);
        Assert.Equal(ScalarType.Float32, loss.buffers().Single().dtype);
        var x = randn(4, 3);
        var l = loss.call(x, Y(0, 1, 2, 0));
        Assert.Equal(new long[] { 4 }, l.shape);
        Assert.Equal(ScalarType.Float32, l.dtype);
        var e = Assert.Throws<ArgumentException>(() => loss.call(randn(4, 5), Y(0, 1, 2, 0)));
        Assert.Contains("alpha has 3 entries but input has 5 classes", e.Message);
    }

    [Fact]
    public void Gce_hand_computed()
    {
        Assert.Equal(2 * (1 - Math.Sqrt(0.75)), Value(new GeneralizedCrossEntropyLoss(0.5), X3to1(), Y(0)), Tol);
        Assert.Equal(0.25, Value(new GeneralizedCrossEntropyLoss(1.0), X3to1(), Y(0)), Tol);
        // q -> 0 approaches cross-entropy ln(4/3).
        Assert.Equal(Math.Log(4.0 / 3), Value(new GeneralizedCrossEntropyLoss(1e-9), X3to1(), Y(0)), 1e-9);
    }

    [Fact]
    public void MaeProb_hand_computed()
    {
        // |3/4 - 0| + |1/4 - 1| = 1.5 = 2 (1 - 1/4).
        Assert.Equal(1.5, Value(new MaeOnProbabilitiesLoss(), X3to1(), Y(1)), Tol);
        var x = tensor(new[] { 1000.0, -1000.0, 0.0, 0.0, 0.0, 0.0 }, [2, 3], dtype: ScalarType.Float64);
        var l = new MaeOnProbabilitiesLoss(nn.Reduction.None).call(x, Y(1, 2));
        Assert.Equal(2.0, l[0].item<double>(), Tol);
        Assert.Equal(4.0 / 3, l[1].item<double>(), Tol);
    }

    [Fact]
    public void Sce_hand_computed()
    {
        // alpha CE + beta RCE = 0.1 ln(4/3) + 1 * (-(-4) * 1/4).
        Assert.Equal(0.1 * Math.Log(4.0 / 3) + 1.0, Value(new SymmetricCrossEntropyLoss(), X3to1(), Y(0)), Tol);
        // A probability below 1e-7 is clamped to 1e-7 in the reverse term: p = [1, ~e^-30].
        var x = tensor(new[] { 30.0, 0.0 }, [1, 2], dtype: ScalarType.Float64);
        double ce = Math.Log(1 + Math.Exp(-30));
        Assert.Equal(0.0 * ce + 2.0 * 4.0 * 1e-7, Value(new SymmetricCrossEntropyLoss(0.0, 2.0, -4.0), x, Y(0)), 1e-18);
    }

    [Fact]
    public void Poly1_hand_computed()
    {
        Assert.Equal(Math.Log(4.0 / 3) + 0.25, Value(new Poly1CrossEntropyLoss(), X3to1(), Y(0)), Tol);
        // Smoothing 0.2 over 2 classes: t = [0.9, 0.1]; CE = -0.9 ln 0.75 - 0.1 ln 0.25; p_t = 0.7.
        double ce = -0.9 * Math.Log(0.75) - 0.1 * Math.Log(0.25);
        Assert.Equal(ce + 0.3, Value(new Poly1CrossEntropyLoss(1.0, 0.2), X3to1(), Y(0)), Tol);
        Assert.Equal(ce - 0.5 * 0.3, Value(new Poly1CrossEntropyLoss(-0.5, 0.2), X3to1(), Y(0)), Tol);
    }

    [Theory]
    [InlineData("focal")]
    [InlineData("gce")]
    [InlineData("mae-prob")]
    [InlineData("sce")]
    [InlineData("poly1")]
    public void Finite_at_logits_of_magnitude_1000(string name)
    {
        var x = tensor(new[] { 1000.0, -1000.0, 0.0, -1000.0, 1000.0, 0.0 }, [2, 3], dtype: ScalarType.Float32).requires_grad_();
        var l = Create(name, ("reduction", "sum")).call(x, Y(0, 0));
        l.backward();
        Assert.True(float.IsFinite(l.item<float>()));
        Assert.True(x.grad!.isfinite().all().item<bool>());
    }

    [Fact]
    public void Defaults_match_the_papers()
    {
        var focal = LossRegistry.Resolve("focal");
        Assert.Equal(2.0, focal.Real("gamma"));
        Assert.Null(focal.RealVector("alpha"));
        Assert.Equal(nn.Reduction.Mean, focal.Reduction);
        Assert.Equal(0.7, LossRegistry.Resolve("gce").Real("q"));
        var sce = LossRegistry.Resolve("sce");
        Assert.Equal((0.1, 1.0, -4.0), (sce.Real("alpha"), sce.Real("beta"), sce.Real("a")));
        var poly = LossRegistry.Resolve("poly1");
        Assert.Equal((1.0, 0.0), (poly.Real("epsilon"), poly.Real("label_smoothing")));
        Assert.Equal(2.0, new FocalLoss().Gamma);
        Assert.Equal(0.7, new GeneralizedCrossEntropyLoss().Q);
    }

    [Theory]
    [InlineData("focal", "gamma", -1.0, ">= 0")]
    [InlineData("gce", "q", 0.0, "(0, 1]")]
    [InlineData("gce", "q", 1.5, "(0, 1]")]
    [InlineData("sce", "alpha", -1.0, ">= 0")]
    [InlineData("sce", "beta", -2.0, ">= 0")]
    [InlineData("sce", "a", 0.0, "< 0")]
    [InlineData("poly1", "epsilon", -2.0, ">= -1")]
    [InlineData("poly1", "label_smoothing", 1.0, "[0, 1)")]
    public void Registry_rejects_out_of_range_options(string loss, string option, double value, string range)
    {
        var e = Assert.Throws<LossOptionException>(() => LossRegistry.Resolve(loss, LossOptions.Of((option, value))));
        Assert.Contains(option, e.Message);
        Assert.Contains(OptionSpec.FormatValue(value), e.Message);
        Assert.Contains(range, e.Message);
    }

    [Fact]
    public void Registry_and_constructors_reject_bad_alpha_and_values()
    {
        var e = Assert.Throws<LossOptionException>(() => LossRegistry.Resolve("focal", LossOptions.Of(("alpha", new[] { 1.0, -0.5 }))));
        Assert.Contains("alpha", e.Message);
        Assert.Contains("-0.5", e.Message);
        e = Assert.Throws<LossOptionException>(() => LossRegistry.Resolve("focal", LossOptions.Of(("alpha", "[1, 2]")), classCount: 3));
        Assert.Contains("3 classes", e.Message);
        e = Assert.Throws<LossOptionException>(() => new FocalLoss(gamma: -1));
        Assert.Equal("Focal (softmax): gamma = -1 is out of range; valid: >= 0 and finite.", e.Message);
        // The constructor checks through the spec: the registry's range, in the same words.
        Assert.Contains("valid: >= 0 and finite",
            Assert.Throws<LossOptionException>(() => LossRegistry.Resolve("focal", LossOptions.Of(("gamma", -1.0)))).Message);
        Assert.Contains("alpha = [1, -0.5] is out of range", Assert.Throws<LossOptionException>(() => new FocalLoss(alpha: [1.0, -0.5])).Message);
        Assert.Contains("valid: (0, 1]", Assert.Throws<LossOptionException>(() => new GeneralizedCrossEntropyLoss(0)).Message);
        Assert.Contains("a = 1", Assert.Throws<LossOptionException>(() => new SymmetricCrossEntropyLoss(a: 1)).Message);
        Assert.Contains("label_smoothing = 1", Assert.Throws<LossOptionException>(() => new Poly1CrossEntropyLoss(labelSmoothing: 1)).Message);
        Assert.Contains("epsilon = -1.5", Assert.Throws<LossOptionException>(() => new Poly1CrossEntropyLoss(epsilon: -1.5)).Message);
    }

    [Fact]
    public void Bad_inputs_are_named()
    {
        var loss = new GeneralizedCrossEntropyLoss();
        Assert.Contains("GCE: target has 3 rows but input has 4",
            Assert.Throws<ArgumentException>(() => loss.call(randn(4, 5), Y(0, 1, 2))).Message);
        Assert.Contains("outside [0, 4]", Assert.Throws<ArgumentException>(() => loss.call(randn(2, 5), Y(0, 5))).Message);
        Assert.Contains("int64", Assert.Throws<ArgumentException>(() => loss.call(randn(2, 5), zeros(2))).Message);
        Assert.Contains("[N, C]", Assert.Throws<ArgumentException>(() => loss.call(randn(5), Y(0))).Message);
    }
}

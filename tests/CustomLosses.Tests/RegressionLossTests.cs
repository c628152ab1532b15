using CustomLosses.Catalog;
using CustomLosses.Regression;
using Xunit;
using static TorchSharp.torch;

namespace CustomLosses.Tests;

public class RegressionLossTests
{
    static Tensor T(params double[] values) => tensor(values, dtype: ScalarType.Float64);

    static double Value(Tensor t) => t.item<double>();

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
    public void Huber_hand_computed()
    {
        // d = 0.5: 0.5 * 0.25 = 0.125; d = -3: 1 * (3 - 0.5) = 2.5.
        using var loss = new HuberLoss();
        Near((0.125 + 2.5) / 2, Value(loss.call(T(0.5, -3), T(0, 0))));
        // delta = 2: d = 3 -> 2 * (3 - 1) = 4; d = 0.5 -> 0.125.
        using var wide = new HuberLoss(2.0, nn.Reduction.Sum);
        Near(4.125, Value(wide.call(T(3, 0.5), T(0, 0))));
    }

    [Fact]
    public void SmoothL1_hand_computed_and_beta_zero_is_L1()
    {
        using var loss = new SmoothL1Loss(2.0, nn.Reduction.None);
        var values = loss.call(T(0.5, 3), T(0, 0)).data<double>().ToArray();
        Near(0.0625, values[0]); // 0.5 * 0.25 / 2
        Near(2.0, values[1]);    // 3 - 1
        using var l1 = new SmoothL1Loss(0.0);
        Near(1.75, Value(l1.call(T(0.5, -3), T(0, 0))));
    }

    [Fact]
    public void LogCosh_hand_computed_and_finite_at_1000()
    {
        using var loss = new LogCoshLoss(nn.Reduction.None);
        var values = loss.call(T(0.5, 0, 1000, -1000), T(0, 0, 0, 0)).data<double>().ToArray();
        Near(Math.Log(Math.Cosh(0.5)), values[0]);
        Near(0.0, values[1]);
        Near(1000 - Math.Log(2), values[2]);
        Near(1000 - Math.Log(2), values[3]);

        var x = T(0.5, 1000, 1e-5).requires_grad_();
        using var sum = new LogCoshLoss(nn.Reduction.Sum);
        sum.call(x, T(0, 0, 0)).backward();
        var g = x.grad!.data<double>().ToArray();
        Near(Math.Tanh(0.5), g[0]);
        Near(1.0, g[1]);
        Near(Math.Tanh(1e-5), g[2]);
    }

    [Fact]
    public void Quantile_hand_computed()
    {
        // tau = 0.9, d = y - x: d = 1 -> 0.9; d = -1 -> max(-0.9, 0.1) = 0.1.
        using var loss = new QuantileLoss(0.9, nn.Reduction.Sum);
        Near(1.0, Value(loss.call(T(0, 0), T(1, -1))));
    }

    [Fact]
    public void PoissonNll_hand_computed()
    {
        // log_input: exp(0) - 2 * 0 = 1; exp(ln 2) - 2 ln 2.
        using var loss = new PoissonNllLoss(reduction: nn.Reduction.None);
        var values = loss.call(T(0, Math.Log(2)), T(2, 2)).data<double>().ToArray();
        Near(1.0, values[0]);
        Near(2 - 2 * Math.Log(2), values[1]);
        // rate input: x - y log(x + eps); at x = 0 it is -y log(eps), finite.
        using var rate = new PoissonNllLoss(logInput: false, reduction: nn.Reduction.None);
        var r = rate.call(T(2, 0), T(2, 3)).data<double>().ToArray();
        Near(2 - 2 * Math.Log(2 + 1e-8), r[0]);
        Near(-3 * Math.Log(1e-8), r[1]);
        // full: Stirling term only where y > 1 (y = 0 and y = 1 masked).
        using var full = new PoissonNllLoss(full: true, reduction: nn.Reduction.None);
        var f = full.call(T(0, 0, 0), T(2, 1, 0)).data<double>().ToArray();
        Near(1 + 2 * Math.Log(2) - 2 + 0.5 * Math.Log(4 * Math.PI), f[0]);
        Near(1.0, f[1]);
        Near(1.0, f[2]);
    }

    [Fact]
    public void GaussianNll_hand_computed_and_var_shapes()
    {
        using var loss = new GaussianNllLoss(reduction: nn.Reduction.None);
        Near(0.5 * (Math.Log(4) + 0.25), loss.call(T(1), T(0), T(4)).data<double>()[0]);
        using var full = new GaussianNllLoss(full: true);
        Near(0.5 * (Math.Log(4) + 0.25) + 0.5 * Math.Log(2 * Math.PI), Value(full.call(T(1), T(0), T(4))));

        // var [2] for input [2,3] is one variance per row; var [2,1] is the same.
        var input = tensor(new double[] { 1, 2, 3, 4, 5, 6 }, [2, 3], ScalarType.Float64);
        var target = zeros(2, 3, dtype: ScalarType.Float64);
        var perRow = loss.call(input, target, T(1, 2));
        Assert.Equal(new long[] { 2, 3 }, perRow.shape);
        Near(0.5 * (Math.Log(2) + 16.0 / 2), perRow[1, 0].item<double>());
        Assert.True(perRow.allclose(loss.call(input, target, T(1, 2).reshape(2, 1))));

        Assert.Throws<ArgumentException>(() => loss.call(input, target, T(1, 2, 3)));
        var e = Assert.Throws<ArgumentException>(() => loss.call(T(1, 2), T(0, 0), T(1, -1)));
        Assert.Contains("negative", e.Message);
    }

    [Fact]
    public void GaussianNll_clamps_var_but_keeps_its_gradient()
    {
        // var = 0 is clamped to eps = 1e-6; PyTorch's gradient flows as if unclamped: d/dv 0.5 log v = 0.5 / v.
        var variance = T(0.0).requires_grad_();
        using var loss = new GaussianNllLoss();
        var l = loss.call(T(1), T(1), variance);
        Near(0.5 * Math.Log(1e-6), Value(l));
        l.backward();
        Near(0.5 / 1e-6, variance.grad!.item<double>(), 1e-9);
    }

    [Fact]
    public void Float32_inputs_give_float32_losses()
    {
        using var loss = new HuberLoss(0.5);
        var x = tensor(new float[] { 0.25f, 2f });
        Assert.Equal(ScalarType.Float32, loss.call(x, zeros_like(x)).dtype);
    }

    [Fact]
    public void Out_of_range_options_are_rejected_with_name_value_and_range()
    {
        AssertRangeError("huber", "delta", -1.0, "-1", "> 0");
        AssertRangeError("huber", "delta", 0.0, "0", "> 0");
        AssertRangeError("smooth-l1", "beta", -0.5, "-0.5", ">= 0");
        AssertRangeError("quantile", "tau", 1.0, "1", "(0, 1)");
        AssertRangeError("quantile", "tau", 0.0, "0", "(0, 1)");
        AssertRangeError("poisson-nll", "eps", 0.0, "0", "> 0");
        AssertRangeError("gaussian-nll", "eps", -1e-3, "-0.001", "> 0");

        Assert.Contains("delta", Assert.Throws<LossOptionException>(() => new HuberLoss(-1)).Message);
        Assert.Contains("beta", Assert.Throws<LossOptionException>(() => new SmoothL1Loss(-1)).Message);
        Assert.Contains("tau", Assert.Throws<LossOptionException>(() => new QuantileLoss(1.5)).Message);
        Assert.Contains("eps", Assert.Throws<LossOptionException>(() => new PoissonNllLoss(eps: 0)).Message);
        Assert.Contains("eps", Assert.Throws<LossOptionException>(() => new GaussianNllLoss(eps: 0)).Message);
    }

    [Fact]
    public void Defaults_match_PyTorch()
    {
        Assert.Equal(1.0, LossRegistry.Resolve("huber").Real("delta"));
        Assert.Equal(1.0, LossRegistry.Resolve("smooth-l1").Real("beta"));
        Assert.Equal(0.5, LossRegistry.Resolve("quantile").Real("tau"));
        var poisson = LossRegistry.Resolve("poisson-nll");
        Assert.True(poisson.Boolean("log_input"));
        Assert.False(poisson.Boolean("full"));
        Assert.Equal(1e-8, poisson.Real("eps"));
        var gaussian = LossRegistry.Resolve("gaussian-nll");
        Assert.False(gaussian.Boolean("full"));
        Assert.Equal(1e-6, gaussian.Real("eps"));
        Assert.Equal(nn.Reduction.Mean, gaussian.Reduction);

        var huber = Assert.IsType<HuberLoss>(LossRegistry.Create("huber"));
        Assert.Equal(1.0, huber.Delta);
        Assert.Equal(nn.Reduction.Mean, huber.Reduction);
        var g = Assert.IsType<GaussianNllLoss>(LossRegistry.Create("gaussian-nll", LossOptions.Of(("full", true), ("reduction", "sum"))));
        Assert.True(g.Full);
        Assert.Equal(nn.Reduction.Sum, g.Reduction);
        Assert.Equal(3, LossRegistry.Get("gaussian-nll").InputCount);
        Assert.Equal(TargetEncoding.Counts, LossRegistry.Get("poisson-nll").Target);
    }
}

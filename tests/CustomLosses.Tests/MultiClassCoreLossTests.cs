using CustomLosses.Catalog;
using CustomLosses.MultiClass;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace CustomLosses.Tests;

/// <summary>Hand-computed values and option validation of cross-entropy, nll, multi-margin, kl-div and crammer-singer.</summary>
public class MultiClassCoreLossTests
{
    static readonly double Ln2 = Math.Log(2), Ln3 = Math.Log(3), Ln4 = Math.Log(4);

    static double Value(nn.Module<Tensor, Tensor, Tensor> loss, Tensor input, Tensor target)
    {
        using var scope = NewDisposeScope();
        return loss.call(input, target).item<double>();
    }

    static double[] Values(nn.Module<Tensor, Tensor, Tensor> loss, Tensor input, Tensor target)
    {
        using var scope = NewDisposeScope();
        return loss.call(input, target).data<double>().ToArray();
    }

    static Tensor Rows(double[,] values) => tensor(values, dtype: ScalarType.Float64);
    static Tensor Targets(params long[] values) => tensor(values, dtype: ScalarType.Int64);

    // Logits [0, ln 3]: softmax = [1/4, 3/4].
    static Tensor QuarterRows(int n)
    {
        var v = new double[n, 2];
        for (int i = 0; i < n; i++) v[i, 1] = Ln3;
        return Rows(v);
    }

    [Fact]
    public void Cross_entropy_hand_values()
    {
        var x = QuarterRows(2);
        Assert.Equal((Ln4 + Math.Log(4.0 / 3)) / 2, Value(new CrossEntropyLoss(), x, Targets(0, 1)), 12);
        // Weighted mean: (1 ln 4 + 3 ln 4/3) / (1 + 3).
        Assert.Equal((Ln4 + 3 * Math.Log(4.0 / 3)) / 4, Value(new CrossEntropyLoss([1.0, 3.0]), x, Targets(0, 1)), 12);
        // Label smoothing 0.2 on one sample, target 0: 0.8 nll + 0.2/2 * (-(ln 1/4 + ln 3/4)).
        Assert.Equal(0.8 * Ln4 + 0.1 * (Ln4 + Math.Log(4.0 / 3)), Value(new CrossEntropyLoss(labelSmoothing: 0.2), QuarterRows(1), Targets(0)), 12);
        // Ignored target: left out of the mean; all ignored: NaN.
        Assert.Equal(Ln4, Value(new CrossEntropyLoss(), x, Targets(0, -100)), 12);
        Assert.True(double.IsNaN(Value(new CrossEntropyLoss(), x, Targets(-100, -100))));
        var none = Values(new CrossEntropyLoss(reduction: nn.Reduction.None), x, Targets(0, -100));
        Assert.Equal(2, none.Length);
        Assert.Equal(Ln4, none[0], 12);
        Assert.Equal(0.0, none[1]);
        // Probability targets [1/2, 1/2]: (ln 4 + ln 4/3) / 2 per row, mean over rows.
        var half = Rows(new[,] { { 0.5, 0.5 }, { 0.5, 0.5 } });
        Assert.Equal((Ln4 + Math.Log(4.0 / 3)) / 2, Value(new CrossEntropyLoss(), x, half), 12);
        // Finite at logits ±1000.
        var huge = Rows(new[,] { { 1000.0, -1000.0 } });
        Assert.Equal(0.0, Value(new CrossEntropyLoss(), huge, Targets(0)), 12);
        Assert.Equal(2000.0, Value(new CrossEntropyLoss(), huge, Targets(1)), 9);
    }

    [Fact]
    public void Nll_hand_values()
    {
        var x = Rows(new[,] { { -1.0, -2.0 }, { -3.0, -4.0 } });
        Assert.Equal(2.5, Value(new NllLoss(), x, Targets(1, 0)), 12);
        Assert.Equal(2.0, Value(new NllLoss(ignoreIndex: 0), x, Targets(1, 0)), 12);
        Assert.Equal((2 * 2.0 + 3 * 1.0) / 3.0, Value(new NllLoss([1.0, 2.0]), x, Targets(1, 0)), 12);
        Assert.Equal([2.0, 3.0], Values(new NllLoss(reduction: nn.Reduction.None), x, Targets(1, 0)));
    }

    [Fact]
    public void Multi_margin_hand_values()
    {
        var x = Rows(new[,] { { 1.0, 2.0, 3.0 } });
        // z_j = 1 - 1 + x_j = 2, 3: (2 + 3) / 3; squared: (4 + 9) / 3.
        Assert.Equal(5.0 / 3, Value(new MultiMarginLoss(), x, Targets(0)), 12);
        Assert.Equal(13.0 / 3, Value(new MultiMarginLoss(p: 2), x, Targets(0)), 12);
        // Target 2: z = 1 - 3 + 1 = -1, 1 - 3 + 2 = 0: no loss. Weight applies by the target class.
        Assert.Equal(0.0, Value(new MultiMarginLoss(), x, Targets(2)), 12);
        Assert.Equal(2 * 5.0 / 3, Value(new MultiMarginLoss(weight: [2.0, 1.0, 1.0]), x, Targets(0)), 12);
    }

    [Fact]
    public void Kl_div_hand_values()
    {
        var x = Rows(new[,] { { Math.Log(0.5), Math.Log(0.5) } });
        var t = Rows(new[,] { { 1.0, 0.0 } });
        // Elements: 1 (ln 1 - ln 1/2) = ln 2 and exactly 0 for t = 0.
        Assert.Equal(Ln2 / 2, Value(new KlDivLoss(), x, t), 12);
        Assert.Equal(Ln2, Value(new KlDivLoss(batchMean: true), x, t), 12);
        Assert.Equal(Ln2, Value(new KlDivLoss(reduction: nn.Reduction.Sum), x, t), 12);
        // log_target: exp(t) (t - x) with t = log [1/2, 1/2] equal to x gives 0.
        Assert.Equal(0.0, Value(new KlDivLoss(logTarget: true), x, x.clone()), 12);
    }

    [Fact]
    public void Crammer_singer_hand_values()
    {
        var x = Rows(new[,] { { 1.0, 2.0, 3.0 }, { 1.0, 2.0, 3.0 } });
        // y = 0: 1 + 3 - 1 = 3; y = 2: max(0, 1 + 2 - 3) = 0.
        Assert.Equal([3.0, 0.0], Values(new CrammerSingerLoss(reduction: nn.Reduction.None), x, Targets(0, 2)));
        Assert.Equal(1.5, Value(new CrammerSingerLoss(), x, Targets(0, 2)), 12);
        Assert.Equal(1.25, Value(new CrammerSingerLoss(margin: 0.5), x, Targets(0, 2)), 12);
    }

    [Fact]
    public void Defaults_match_pytorch()
    {
        var ce = LossRegistry.Resolve("cross-entropy").Values;
        Assert.Null(ce["weight"]);
        Assert.Equal(-100L, ce["ignore_index"]);
        Assert.Equal(0.0, ce["label_smoothing"]);
        Assert.Equal("mean", ce["reduction"]);
        var nll = LossRegistry.Resolve("nll").Values;
        Assert.Equal(-100L, nll["ignore_index"]);
        var mm = LossRegistry.Resolve("multi-margin").Values;
        Assert.Equal(1L, mm["p"]);
        Assert.Equal(1.0, mm["margin"]);
        var kl = LossRegistry.Resolve("kl-div").Values;
        Assert.Equal(false, kl["log_target"]);
        Assert.Equal(false, kl["batchmean"]);
        Assert.Equal(1.0, LossRegistry.Resolve("crammer-singer").Values["margin"]);

        var loss = Assert.IsType<CrossEntropyLoss>(LossRegistry.Create("cross-entropy"));
        Assert.Equal(-100, loss.IgnoreIndex);
        Assert.Equal(nn.Reduction.Mean, loss.Reduction);
        Assert.False(Assert.IsType<KlDivLoss>(LossRegistry.Create("kl-div")).LogTarget);
    }

    [Theory]
    [InlineData("cross-entropy", "label_smoothing", 1.5, "[0, 1]")]
    [InlineData("cross-entropy", "label_smoothing", -0.1, "[0, 1]")]
    [InlineData("multi-margin", "p", 3L, "1 or 2")]
    [InlineData("crammer-singer", "margin", -1.0, "> 0")]
    [InlineData("crammer-singer", "margin", 0.0, "> 0")]
    public void Registry_rejects_out_of_range_options(string loss, string option, object value, string range)
    {
        var e = Assert.Throws<LossOptionException>(() => LossRegistry.Resolve(loss, LossOptions.Of((option, value))));
        Assert.Contains(option, e.Message);
        Assert.Contains(OptionSpec.FormatValue(value), e.Message);
        Assert.Contains(range, e.Message);
    }

    [Fact]
    public void Weights_are_checked()
    {
        var e = Assert.Throws<LossOptionException>(() => LossRegistry.Resolve("cross-entropy", LossOptions.Of(("weight", new[] { 1.0, -2.0 }))));
        Assert.Contains("weight", e.Message);
        Assert.Contains("-2", e.Message);
        Assert.Throws<LossOptionException>(() => LossRegistry.Resolve("nll", LossOptions.Of(("weight", new[] { 1.0, 2.0 })), classCount: 3));
        Assert.Throws<LossOptionException>(() => new MultiMarginLoss(weight: [1.0, double.NaN]));
        var wrongLength = new CrossEntropyLoss([1.0, 2.0, 3.0]);
        var shape = Assert.Throws<ArgumentException>(() => wrongLength.call(QuarterRows(2), Targets(0, 1)));
        Assert.Contains("3 entries", shape.Message);
    }

    [Fact]
    public void Constructors_validate_options()
    {
        Assert.Contains("label_smoothing = 2", Assert.Throws<LossOptionException>(() => new CrossEntropyLoss(labelSmoothing: 2)).Message);
        Assert.Contains("p = 0", Assert.Throws<LossOptionException>(() => new MultiMarginLoss(p: 0)).Message);
        Assert.Contains("margin = -1", Assert.Throws<LossOptionException>(() => new CrammerSingerLoss(margin: -1)).Message);
    }

    [Fact]
    public void Shape_errors_are_clear()
    {
        var rows = Assert.Throws<ArgumentException>(() => new CrossEntropyLoss().call(QuarterRows(4), Targets(0, 1, 0, 1, 0)));
        Assert.Contains("target has 5 rows but input has 4", rows.Message);
        var bounds = Assert.Throws<ArgumentException>(() => new NllLoss().call(QuarterRows(2), Targets(0, 2)));
        Assert.Contains("out of bounds", bounds.Message);
        Assert.Throws<ArgumentException>(() => new CrossEntropyLoss(ignoreIndex: 0).call(QuarterRows(2), QuarterRows(2).softmax(1)));
    }

    [Fact]
    public void Weights_follow_the_module_dtype()
    {
        using var loss = new CrossEntropyLoss([1.0, 3.0]);
        loss.to(ScalarType.Float32);
        Assert.Equal(ScalarType.Float32, loss.Weight!.dtype);
        using var x = QuarterRows(2).to(ScalarType.Float32);
        using var y = loss.call(x, Targets(0, 1));
        Assert.Equal(ScalarType.Float32, y.dtype);
        Assert.Equal((Ln4 + 3 * Math.Log(4.0 / 3)) / 4, y.item<float>(), 5);
    }
}

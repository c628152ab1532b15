using CustomLosses.Binary;
using CustomLosses.MultiClass;
using CustomLosses.Regression;
using Xunit;
using static TorchSharp.torch;

namespace CustomLosses.Tests.Kernels;

/// <summary>
/// One call of a loss that takes a fused-kernel fast path, with the libtorch built-in it must equal.
/// Inputs are float64, seeded, and the input requires grad.
/// </summary>
public sealed record FusedKernelCase(string Name, CustomLoss Custom, Func<Tensor, Tensor, Tensor> BuiltIn, Func<Tensor> Input, Func<Tensor> Target)
{
    public override string ToString() => Name;

    /// <summary>Looks a case up by name (xunit passes names, so that each case is its own test).</summary>
    public static FusedKernelCase Named(string name, long rows = 16) => All(rows).Single(c => c.Name == name);

    /// <summary>Every case's name, as xunit member data.</summary>
    public static TheoryData<string> Names() => new(All().Select(c => c.Name));

    const long C = 5;

    static Tensor Logits(long n) => randn(n, C, dtype: ScalarType.Float64) * 3;
    static Tensor Labels(long n) => randint(0, C, n, dtype: ScalarType.Int64);
    static Tensor LabelsWithIgnored(long n) => Labels(n).index_put_(tensor(-100L), tensor(new long[] { 2, 7 }));
    static readonly double[] WeightValues = [0.5, 2.0, 1.0, 0.25, 3.0];
    static Tensor Weights() => tensor(WeightValues, dtype: ScalarType.Float64);
    static Tensor Real(long n) => randn(n, 3, dtype: ScalarType.Float64) * 2;
    static Tensor ZeroOne(long n) => randint(0, 2, new long[] { n, 3 }).to(ScalarType.Float64);

    /// <summary><c>w[y] sum_{j != y} relu(margin - x[y] + x[j])^p / C</c> per row, reduced.</summary>
    static Tensor ComposedMultiMargin(Tensor x, Tensor y, int p, double margin, Tensor? w, nn.Reduction r)
    {
        var y1 = y.unsqueeze(1);
        var h = (x - x.gather(1, y1) + margin).relu() * ones_like(x).scatter(1, y1, zeros_like(x));
        var rows = h.pow(p).sum(1) / x.shape[1];
        if (w is not null) rows = rows * w.take(y);
        return rows.Reduce(r);
    }

    /// <summary>Every fast path, each with its options, on <paramref name="rows"/> samples.</summary>
    public static IEnumerable<FusedKernelCase> All(long rows = 16)
    {
        foreach (var r in new[] { nn.Reduction.Mean, nn.Reduction.Sum })
        {
            var tag = r.ToOptionString();
            yield return new($"mse/{tag}", new MseLoss(r), (x, t) => nn.functional.mse_loss(x, t, r), () => Real(rows), () => Real(rows));
            yield return new($"l1/{tag}", new L1Loss(r), (x, t) => nn.functional.l1_loss(x, t, r), () => Real(rows), () => Real(rows));
            yield return new($"huber(1.5)/{tag}", new HuberLoss(1.5, r), (x, t) => nn.functional.huber_loss(x, t, 1.5, r), () => Real(rows), () => Real(rows));
            yield return new($"smooth-l1(0.5)/{tag}", new SmoothL1Loss(0.5, r), (x, t) => nn.functional.smooth_l1_loss(x, t, r, 0.5),
                () => Real(rows), () => Real(rows));
            yield return new($"bce-with-logits/{tag}", new BceWithLogitsLoss(reduction: r),
                (x, t) => nn.functional.binary_cross_entropy_with_logits(x, t, reduction: r), () => Real(rows), () => ZeroOne(rows));
        }
        foreach (var r in new[] { nn.Reduction.Mean, nn.Reduction.Sum, nn.Reduction.None })
        {
            var tag = r.ToOptionString();
            yield return new($"cross-entropy/{tag}", new CrossEntropyLoss(reduction: r),
                (x, y) => nn.functional.cross_entropy(x, y, reduction: r), () => Logits(rows), () => Labels(rows));
            // Unweighted, but some rows ignored: the general path, not the every-row one (by a -100 target, and by an
            // ignore_index that is itself a class, with every target in range).
            yield return new($"cross-entropy(ignored rows)/{tag}", new CrossEntropyLoss(reduction: r),
                (x, y) => nn.functional.cross_entropy(x, y, reduction: r), () => Logits(rows), () => LabelsWithIgnored(rows));
            yield return new($"cross-entropy(ignore_index=1)/{tag}", new CrossEntropyLoss(ignoreIndex: 1, reduction: r),
                (x, y) => nn.functional.cross_entropy(x, y, ignore_index: 1, reduction: r), () => Logits(rows), () => Labels(rows));
            yield return new($"cross-entropy(weight, ignored rows)/{tag}", new CrossEntropyLoss(WeightValues, reduction: r),
                (x, y) => nn.functional.cross_entropy(x, y, Weights(), reduction: r), () => Logits(rows), () => LabelsWithIgnored(rows));
            yield return new($"nll/{tag}", new NllLoss(reduction: r),
                (x, y) => nn.functional.nll_loss(x, y, reduction: r), () => Logits(rows).log_softmax(1), () => Labels(rows));
            yield return new($"nll(ignored rows)/{tag}", new NllLoss(reduction: r),
                (x, y) => nn.functional.nll_loss(x, y, reduction: r), () => Logits(rows).log_softmax(1), () => LabelsWithIgnored(rows));
            yield return new($"nll(weight, ignored rows)/{tag}", new NllLoss(WeightValues, reduction: r),
                (x, y) => nn.functional.nll_loss(x, y, Weights(), r), () => Logits(rows).log_softmax(1), () => LabelsWithIgnored(rows));
            // libtorch's multi_margin_loss has no double backward: the reference is its formula composed from tensor ops.
            yield return new($"multi-margin(p=1)/{tag}", new MultiMarginLoss(1, 0.7, reduction: r),
                (x, y) => ComposedMultiMargin(x, y, 1, 0.7, null, r), () => Logits(rows), () => Labels(rows));
            yield return new($"multi-margin(p=2, weight)/{tag}", new MultiMarginLoss(2, 1.0, WeightValues, r),
                (x, y) => ComposedMultiMargin(x, y, 2, 1.0, Weights(), r), () => Logits(rows), () => Labels(rows));
        }
    }
}

using CustomLosses;
using CustomLosses.Catalog;
using static Harness.Validation.Checks.MultiClass.ClassCases;
using static TorchSharp.torch;

namespace Harness.Validation.Checks.MultiClass;

/// <summary>Cross-entropy against <c>cross_entropy</c> and a loop over log-sum-exp (PyTorch 2.x weighting, ignore and smoothing rules).</summary>
public sealed class CrossEntropyCheck : LossCheck
{
    public override string LossName => "cross-entropy";

    public override string? NonPlainMean(LossCase c) => WeightedMean(c);

    public override IEnumerable<LossCase> Cases(Generator g)
    {
        double[] w4 = [0.5, 1.0, 2.0, 0.25];

        // Class-index targets over the three input layouts.
        yield return new LossCase("random [5,4]", LossOptions.Empty, [CaseInputs.Normal(g, [5, 4]), Indices(g, [5], 4)]);
        yield return new LossCase("random [6], one sample, 0-d target", LossOptions.Empty, [CaseInputs.Normal(g, [6]), Indices(g, [], 6)]);
        yield return new LossCase("random [2,3,4] (K-dim)", LossOptions.Empty, [CaseInputs.Normal(g, [2, 3, 4]), Indices(g, [2, 4], 3)]);
        yield return new LossCase("random [2,4,2,3] (K-dim)", Of(("weight", w4)), [CaseInputs.Normal(g, [2, 4, 2, 3]), Indices(g, [2, 2, 3], 4)]);
        yield return new LossCase("random [5,4] weighted", Of(("weight", w4)), [CaseInputs.Normal(g, [5, 4]), Indices(g, [5], 4)]);
        yield return new LossCase("random [5,4] label smoothing", Of(("label_smoothing", 0.1)), [CaseInputs.Normal(g, [5, 4]), Indices(g, [5], 4)]);
        yield return new LossCase("random [6,4] weighted, smoothing, ignore_index = class 2",
            Of(("weight", w4), ("label_smoothing", 0.3), ("ignore_index", 2L)),
            [CaseInputs.Normal(g, [6, 4]), Targets(0, 2, 1, 3, 2, 0)]);
        yield return new LossCase("random [2,3,4] K-dim weighted, smoothing, ignore_index -1",
            Of(("weight", new[] { 1.5, 0.5, 1.0 }), ("label_smoothing", 0.2), ("ignore_index", -1L)),
            [CaseInputs.Normal(g, [2, 3, 4]), tensor(new long[] { 0, -1, 2, 1, 2, -1, 1, 0 }).reshape(2, 4)]);

        // Probability targets.
        yield return new LossCase("probability targets [5,4]", LossOptions.Empty, [CaseInputs.Normal(g, [5, 4]), Probabilities(g, [5, 4])]);
        yield return new LossCase("probability targets [5,4] weighted, smoothing",
            Of(("weight", w4), ("label_smoothing", 0.15)), [CaseInputs.Normal(g, [5, 4]), Probabilities(g, [5, 4])]);
        yield return new LossCase("probability targets [2,3,2,2] K-dim, smoothing",
            Of(("label_smoothing", 0.25)), [CaseInputs.Normal(g, [2, 3, 2, 2]), Probabilities(g, [2, 3, 2, 2])]);
        yield return new LossCase("probability targets [6], one sample", Of(("weight", new[] { 1.0, 2, 3, 0.5, 1, 1 })),
            [CaseInputs.Normal(g, [6]), Probabilities(g, [6])]);

        // Hard cases.
        foreach (var m in new[] { 100.0, 1000.0 })
        {
            yield return new LossCase($"logits ±{m} (one class huge per row)", LossOptions.Empty,
                [HugeLogits(g, 5, 4, m), Targets(0, 1, 0, 3, 2)], hard: true);
            yield return new LossCase($"logits ±{m} weighted, smoothing", Of(("weight", w4), ("label_smoothing", 0.1)),
                [HugeLogits(g, 5, 4, m), Targets(0, 1, 0, 3, 2)], hard: true);
            yield return new LossCase($"logits ±{m}, one-hot probability targets, smoothing", Of(("label_smoothing", 0.2)),
                [HugeLogits(g, 4, 4, m), eye(4, dtype: ScalarType.Float64).index_select(0, Targets(0, 2, 2, 1))], hard: true);
        }
        yield return new LossCase("batch of one [1,5]", LossOptions.Empty, [CaseInputs.Normal(g, [1, 5]), Targets(3)], hard: true);
        yield return new LossCase("batch of one [1,5] weighted, smoothing", Of(("weight", new[] { 1.0, 2, 0.5, 3, 1 }), ("label_smoothing", 0.4)),
            [CaseInputs.Normal(g, [1, 5]), Targets(1)], hard: true);
        yield return new LossCase("some targets ignored (-100)", Of(("weight", w4)),
            [CaseInputs.Normal(g, [5, 4]), Targets(1, -100, 3, -100, 0)], hard: true);
        // Mean over no targets is 0/0 = NaN in PyTorch; the gradient is 0 (none/sum give 0). No finite differences of NaN.
        yield return new LossCase("every target ignored", LossOptions.Empty,
            [CaseInputs.Normal(g, [3, 4]), Targets(-100, -100, -100)], hard: true, smooth: false);
        yield return new LossCase("every target ignored, weighted, smoothing, ignore_index 1",
            Of(("weight", w4), ("label_smoothing", 0.1), ("ignore_index", 1L)),
            [CaseInputs.Normal(g, [3, 4]), Targets(1, 1, 1)], hard: true, smooth: false);
        yield return new LossCase("one-hot probability targets (zeros)", Of(("weight", w4)),
            [CaseInputs.Normal(g, [4, 4]), eye(4, dtype: ScalarType.Float64)], hard: true);
        yield return new LossCase("label smoothing 1", Of(("label_smoothing", 1.0)),
            [CaseInputs.Normal(g, [4, 3]), Targets(0, 2, 1, 1)], hard: true);
    }

    public override double[] Reference(LossCase c, HostArray[] x, nn.Reduction r)
    {
        var (n, classes, positions) = Layout(x[0].Shape);
        double eps = Real(c, "label_smoothing", 0.0);
        long ignore = Integer(c, "ignore_index", -100);
        var w = Vector(c, "weight") ?? Enumerable.Repeat(1.0, classes).ToArray();
        bool probabilities = x[1].Shape.SequenceEqual(x[0].Shape);
        int samples = n * positions;

        var nll = new double[samples];
        var smooth = new double[samples];
        double weightSum = 0;
        for (int i = 0; i < n; i++)
            for (int s = 0; s < positions; s++)
            {
                var logp = LogSoftmax(x[0].Data, i, s, classes, positions);
                int at = i * positions + s;
                if (probabilities)
                {
                    double l = 0;
                    for (int k = 0; k < classes; k++)
                    {
                        double t = x[1].Data[(i * classes + k) * positions + s];
                        if (eps > 0) t = t * (1 - eps) + eps / classes;
                        l -= w[k] * t * logp[k];
                    }
                    nll[at] = l;
                    continue;
                }
                long y = (long)x[1].Data[at];
                if (y == ignore) continue;
                nll[at] = -w[y] * logp[y];
                for (int k = 0; k < classes; k++) smooth[at] -= w[k] * logp[k];
                weightSum += w[y];
            }

        if (probabilities)
            return r switch
            {
                nn.Reduction.None => nll,
                nn.Reduction.Sum => [nll.Sum()],
                _ => [samples == 0 ? double.NaN : nll.Sum() / samples],
            };

        if (eps == 0)
            return r switch
            {
                nn.Reduction.None => nll,
                nn.Reduction.Sum => [nll.Sum()],
                _ => [nll.Sum() / weightSum],
            };
        return r switch
        {
            nn.Reduction.None => nll.Select((l, i) => (1 - eps) * l + eps / classes * smooth[i]).ToArray(),
            nn.Reduction.Sum => [(1 - eps) * nll.Sum() + eps / classes * smooth.Sum()],
            _ => [(1 - eps) * (nll.Sum() / weightSum) + eps / classes * (smooth.Sum() / weightSum)],
        };
    }
}

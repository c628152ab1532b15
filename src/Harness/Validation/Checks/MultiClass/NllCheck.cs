using CustomLosses;
using CustomLosses.Catalog;
using static Harness.Validation.Checks.MultiClass.ClassCases;
using static TorchSharp.torch;

namespace Harness.Validation.Checks.MultiClass;

/// <summary>NLL against <c>nll_loss</c> and -w_y x_y with PyTorch's weighted mean.</summary>
public sealed class NllCheck : LossCheck
{
    public override string LossName => "nll";

    public override string? NonPlainMean(LossCase c) => WeightedMean(c);

    public override IEnumerable<LossCase> Cases(Generator g)
    {
        double[] w4 = [0.5, 1.0, 2.0, 0.25];
        yield return new LossCase("random [5,4]", LossOptions.Empty, [LogProbabilities(g, [5, 4]), Indices(g, [5], 4)]);
        yield return new LossCase("random [6], one sample, 0-d target", LossOptions.Empty, [LogProbabilities(g, [6]), Indices(g, [], 6)]);
        yield return new LossCase("random [2,3,4] (K-dim)", LossOptions.Empty, [LogProbabilities(g, [2, 3, 4]), Indices(g, [2, 4], 3)]);
        yield return new LossCase("random [5,4] weighted", Of(("weight", w4)), [LogProbabilities(g, [5, 4]), Indices(g, [5], 4)]);
        yield return new LossCase("random [2,4,3] K-dim weighted, ignore_index = class 3", Of(("weight", w4), ("ignore_index", 3L)),
            [LogProbabilities(g, [2, 4, 3]), tensor(new long[] { 3, 0, 1, 2, 3, 1 }).reshape(2, 3)]);
        yield return new LossCase("random [6,4] weighted, ignore_index -1", Of(("weight", w4), ("ignore_index", -1L)),
            [LogProbabilities(g, [6, 4]), Targets(0, -1, 3, 2, -1, 1)]);

        foreach (var m in new[] { 100.0, 1000.0 })
            yield return new LossCase($"log-probabilities of logits ±{m}", Of(("weight", w4)),
                [HugeLogits(g, 5, 4, m).log_softmax(1), Targets(0, 1, 0, 3, 2)], hard: true);
        yield return new LossCase("batch of one [1,5]", LossOptions.Empty, [LogProbabilities(g, [1, 5]), Targets(4)], hard: true);
        yield return new LossCase("some targets ignored (-100)", Of(("weight", w4)),
            [LogProbabilities(g, [5, 4]), Targets(-100, 2, 3, -100, 0)], hard: true);
        // Mean over no targets is 0/0 = NaN in PyTorch, with a zero gradient.
        yield return new LossCase("every target ignored", LossOptions.Empty,
            [LogProbabilities(g, [3, 4]), Targets(-100, -100, -100)], hard: true, smooth: false);
        yield return new LossCase("every target ignored, weighted, ignore_index 2", Of(("weight", w4), ("ignore_index", 2L)),
            [LogProbabilities(g, [3, 4]), Targets(2, 2, 2)], hard: true, smooth: false);
    }

    public override double[] Reference(LossCase c, HostArray[] x, nn.Reduction r)
    {
        var (n, classes, positions) = Layout(x[0].Shape);
        long ignore = Integer(c, "ignore_index", -100);
        var w = Vector(c, "weight") ?? Enumerable.Repeat(1.0, classes).ToArray();
        var l = new double[n * positions];
        double weightSum = 0;
        for (int i = 0; i < n; i++)
            for (int s = 0; s < positions; s++)
            {
                long y = (long)x[1].Data[i * positions + s];
                if (y == ignore) continue;
                l[i * positions + s] = -w[y] * x[0].Data[(i * classes + (int)y) * positions + s];
                weightSum += w[y];
            }
        return r switch
        {
            nn.Reduction.None => l,
            nn.Reduction.Sum => [l.Sum()],
            _ => [l.Sum() / weightSum],
        };
    }
}

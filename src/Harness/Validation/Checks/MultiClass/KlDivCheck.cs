using CustomLosses;
using CustomLosses.Catalog;
using static Harness.Validation.Checks.MultiClass.ClassCases;
using static TorchSharp.torch;

namespace Harness.Validation.Checks.MultiClass;

/// <summary>KL divergence against <c>kl_div</c> (log_target passed explicitly; batchmean as sum / N) and t log t - t x.</summary>
public sealed class KlDivCheck : LossCheck
{
    public override string LossName => "kl-div";

    public override string? NonPlainMean(LossCase c) =>
        Boolean(c, "batchmean", false) ? "batchmean: the mean divides the sum by the batch size, not the element count" : null;

    public override IEnumerable<LossCase> Cases(Generator g)
    {
        var logTarget = Of(("log_target", true));
        var batchMean = Of(("batchmean", true));
        yield return new LossCase("random [4,5]", LossOptions.Empty, [LogProbabilities(g, [4, 5]), Probabilities(g, [4, 5])]);
        yield return new LossCase("random [2,3,4]", LossOptions.Empty, [LogProbabilities(g, [2, 3, 4]), Probabilities(g, [2, 3, 4])]);
        yield return new LossCase("random [6], one sample", LossOptions.Empty, [LogProbabilities(g, [6]), Probabilities(g, [6])]);
        yield return new LossCase("random [4,5] batchmean", batchMean, [LogProbabilities(g, [4, 5]), Probabilities(g, [4, 5])]);
        yield return new LossCase("random [2,3,4] batchmean", batchMean, [LogProbabilities(g, [2, 3, 4]), Probabilities(g, [2, 3, 4])]);
        yield return new LossCase("random [4,5] log_target", logTarget, [LogProbabilities(g, [4, 5]), LogProbabilities(g, [4, 5])]);
        yield return new LossCase("random [3,4] log_target, batchmean", Of(("log_target", true), ("batchmean", true)),
            [LogProbabilities(g, [3, 4]), LogProbabilities(g, [3, 4])]);

        // Targets exactly 0 and 1: xlogy makes t = 0 contribute 0. d/dt (t log t) is -inf at t = 0, so the
        // target takes no gradient here (finite differences would leave the domain).
        var oneHot = eye(5, dtype: ScalarType.Float64).index_select(0, Targets(0, 3, 3, 1));
        yield return new LossCase("one-hot targets (probabilities 0 and 1)", LossOptions.Empty,
            [LogProbabilities(g, [4, 5]), oneHot], [true, false], hard: true);
        yield return new LossCase("one-hot targets, batchmean", batchMean,
            [LogProbabilities(g, [4, 5]), oneHot.clone()], [true, false], hard: true);
        foreach (var m in new[] { 100.0, 1000.0 })
        {
            yield return new LossCase($"log-probabilities of logits ±{m}", LossOptions.Empty,
                [HugeLogits(g, 4, 5, m).log_softmax(1), Probabilities(g, [4, 5])], hard: true);
            yield return new LossCase($"log-probabilities of logits ±{m}, one-hot targets", batchMean,
                [HugeLogits(g, 4, 5, m).log_softmax(1), oneHot.clone()], [true, false], hard: true);
            yield return new LossCase($"log_target, both of logits ±{m}", logTarget,
                [HugeLogits(g, 4, 5, m).log_softmax(1), HugeLogits(g, 4, 5, m).log_softmax(1)], hard: true);
        }
        yield return new LossCase("batch of one [1,5] batchmean", batchMean, [LogProbabilities(g, [1, 5]), Probabilities(g, [1, 5])], hard: true);
    }

    public override double[] Reference(LossCase c, HostArray[] x, nn.Reduction r)
    {
        bool logTarget = Boolean(c, "log_target", false);
        var l = new double[x[0].Count];
        for (int i = 0; i < l.Length; i++)
        {
            double input = x[0][i], t = x[1][i];
            l[i] = logTarget ? Math.Exp(t) * (t - input) : (t == 0 ? 0 : t * Math.Log(t)) - t * input;
        }
        if (r == nn.Reduction.Mean && Boolean(c, "batchmean", false))
            return [x[0].Rank == 0 ? l.Sum() : l.Sum() / x[0].Dim(0)];
        return Reduce(l, r);
    }
}

using CustomLosses;
using CustomLosses.Catalog;
using static TorchSharp.torch;

namespace Harness.Validation.Checks.MultiClass;

/// <summary>
/// Poly-1 cross-entropy against CE + epsilon (1 - p_t), with t the label-smoothed one-hot target
/// (no libtorch twin).
/// </summary>
public sealed class Poly1CrossEntropyCheck : LossCheck
{
    public override string LossName => "poly1";

    public override IEnumerable<LossCase> Cases(Generator g)
    {
        foreach (var (n, c) in RobustMultiClass.Shapes)
            yield return new LossCase($"random [{n},{c}]", LossOptions.Empty, RobustMultiClass.Random(g, n, c));
        yield return new LossCase("random [5,4]", LossOptions.Of(("epsilon", -1.0)), RobustMultiClass.Random(g, 5, 4));
        yield return new LossCase("random [5,4]", LossOptions.Of(("epsilon", 2.5)), RobustMultiClass.Random(g, 5, 4, 2));
        yield return new LossCase("random [6,5] label smoothing", LossOptions.Of(("label_smoothing", 0.1)), RobustMultiClass.Random(g, 6, 5));
        yield return new LossCase("random [4,7] label smoothing", LossOptions.Of(("epsilon", -0.5), ("label_smoothing", 0.3)),
            RobustMultiClass.Random(g, 4, 7));
        foreach (var k in RobustMultiClass.HardCases(g, LossOptions.Empty)) yield return k;
        foreach (var k in RobustMultiClass.HardCases(g, LossOptions.Of(("epsilon", 2.0), ("label_smoothing", 0.2)), ", label smoothing")) yield return k;
    }

    public override double[] Reference(LossCase c, HostArray[] x, nn.Reduction r)
    {
        var o = RobustMultiClass.Options(LossName, c);
        double epsilon = o.Real("epsilon"), s = o.Real("label_smoothing");
        int n = x[0].Dim(0), classes = x[0].Dim(1);
        var l = new double[n];
        for (int i = 0; i < n; i++)
        {
            int y = RobustMultiClass.Target(x[1], i);
            var logp = RobustMultiClass.LogSoftmaxRow(x[0], i);
            double ce = 0, oneMinusPt = 0;
            for (int j = 0; j < classes; j++)
            {
                double t = (j == y ? 1 - s : 0) + s / classes;
                ce -= t * logp[j];
                oneMinusPt += t * -RobustMultiClass.Expm1(logp[j]); // 1 - sum_j t_j p_j = sum_j t_j (1 - p_j)
            }
            l[i] = ce + epsilon * oneMinusPt;
        }
        return Reduce(l, r);
    }
}

using CustomLosses;
using CustomLosses.Catalog;
using static TorchSharp.torch;

namespace Harness.Validation.Checks.MultiClass;

/// <summary>
/// Symmetric cross-entropy against alpha (-log p_y) + beta (-sum_c clamp(p_c, 1e-7, 1) log clamp(onehot_c, e^A, 1))
/// (no libtorch twin).
/// </summary>
public sealed class SymmetricCrossEntropyCheck : LossCheck
{
    public override string LossName => "sce";

    public override IEnumerable<LossCase> Cases(Generator g)
    {
        foreach (var (n, c) in RobustMultiClass.Shapes)
            yield return new LossCase($"random [{n},{c}]", LossOptions.Empty, RobustMultiClass.Random(g, n, c));
        yield return new LossCase("random [5,4]", LossOptions.Of(("alpha", 0.5), ("beta", 2.0), ("a", -6.0)), RobustMultiClass.Random(g, 5, 4, 2));
        yield return new LossCase("random [5,4]", LossOptions.Of(("alpha", 1.0), ("beta", 0.0), ("a", -1.0)), RobustMultiClass.Random(g, 5, 4));
        yield return new LossCase("random [5,4] paper code's A = log 1e-4", LossOptions.Of(("alpha", 0.0), ("a", Math.Log(1e-4))),
            RobustMultiClass.Random(g, 5, 4));
        foreach (var k in RobustMultiClass.HardCases(g, LossOptions.Empty)) yield return k;
        foreach (var k in RobustMultiClass.HardCases(g, LossOptions.Of(("alpha", 0.5), ("beta", 2.0), ("a", -6.0)), ", options")) yield return k;
        // Probabilities on both sides of the 1e-7 clamp (logit gaps of 12 to 20), away from the kink.
        yield return new LossCase("probabilities around the 1e-7 clamp", LossOptions.Empty,
            [
                tensor(new[] { 0.0, -12.0, -20.0, 3.0, 0.0, -17.0 }, [2, 3], dtype: ScalarType.Float64),
                tensor(new long[] { 0, 1 }, [2], dtype: ScalarType.Int64),
            ],
            hard: true);
    }

    public override double[] Reference(LossCase c, HostArray[] x, nn.Reduction r)
    {
        var o = RobustMultiClass.Options(LossName, c);
        double alpha = o.Real("alpha"), beta = o.Real("beta"), a = o.Real("a");
        int n = x[0].Dim(0), classes = x[0].Dim(1);
        var l = new double[n];
        for (int i = 0; i < n; i++)
        {
            int y = RobustMultiClass.Target(x[1], i);
            var logp = RobustMultiClass.LogSoftmaxRow(x[0], i);
            double rce = 0;
            for (int j = 0; j < classes; j++)
            {
                double p = Math.Min(Math.Max(Math.Exp(logp[j]), 1e-7), 1.0);
                double logLabel = j == y ? 0.0 : a; // log(clamp(onehot_j, e^A, 1))
                rce -= p * logLabel;
            }
            l[i] = alpha * -logp[y] + beta * rce;
        }
        return Reduce(l, r);
    }
}

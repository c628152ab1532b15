using CustomLosses;
using CustomLosses.Catalog;
using static TorchSharp.torch;

namespace Harness.Validation.Checks.MultiClass;

/// <summary>MAE on softmax probabilities against sum_c |p_c - onehot_c| (no libtorch twin).</summary>
public sealed class MaeOnProbabilitiesCheck : LossCheck
{
    public override string LossName => "mae-prob";

    public override IEnumerable<LossCase> Cases(Generator g)
    {
        foreach (var (n, c) in RobustMultiClass.Shapes)
            yield return new LossCase($"random [{n},{c}]", LossOptions.Empty, RobustMultiClass.Random(g, n, c));
        yield return new LossCase("random [5,4] scale 3", LossOptions.Empty, RobustMultiClass.Random(g, 5, 4, 3));
        foreach (var k in RobustMultiClass.HardCases(g, LossOptions.Empty)) yield return k;
    }

    public override double[] Reference(LossCase c, HostArray[] x, nn.Reduction r)
    {
        int n = x[0].Dim(0), classes = x[0].Dim(1);
        var l = new double[n];
        for (int i = 0; i < n; i++)
        {
            int y = RobustMultiClass.Target(x[1], i);
            var logp = RobustMultiClass.LogSoftmaxRow(x[0], i);
            double sum = 0;
            for (int j = 0; j < classes; j++)
                sum += j == y ? -RobustMultiClass.Expm1(logp[j]) : Math.Exp(logp[j]); // |p_y - 1| = 1 - p_y; |p_j - 0| = p_j
            l[i] = sum;
        }
        return Reduce(l, r);
    }
}

using CustomLosses;
using CustomLosses.Catalog;
using static TorchSharp.torch;

namespace Harness.Validation.Checks.MultiClass;

/// <summary>Generalized cross-entropy (Lq) against (1 - p_y^q) / q (no libtorch twin).</summary>
public sealed class GeneralizedCrossEntropyCheck : LossCheck
{
    public override string LossName => "gce";

    public override IEnumerable<LossCase> Cases(Generator g)
    {
        foreach (var (n, c) in RobustMultiClass.Shapes)
            yield return new LossCase($"random [{n},{c}]", LossOptions.Empty, RobustMultiClass.Random(g, n, c));
        yield return new LossCase("random [5,4] q = 1", LossOptions.Of(("q", 1.0)), RobustMultiClass.Random(g, 5, 4));
        yield return new LossCase("random [5,4]", LossOptions.Of(("q", 0.3)), RobustMultiClass.Random(g, 5, 4, 2));
        yield return new LossCase("random [5,4] small q", LossOptions.Of(("q", 1e-3)), RobustMultiClass.Random(g, 5, 4));
        foreach (var k in RobustMultiClass.HardCases(g, LossOptions.Empty)) yield return k;
        foreach (var k in RobustMultiClass.HardCases(g, LossOptions.Of(("q", 1.0)), ", q = 1")) yield return k;
        foreach (var k in RobustMultiClass.HardCases(g, LossOptions.Of(("q", 1e-4)), ", small q")) yield return k;
    }

    public override double[] Reference(LossCase c, HostArray[] x, nn.Reduction r)
    {
        double q = RobustMultiClass.Options(LossName, c).Real("q");
        int n = x[0].Dim(0);
        var l = new double[n];
        for (int i = 0; i < n; i++)
        {
            double logpY = RobustMultiClass.LogSoftmaxRow(x[0], i)[RobustMultiClass.Target(x[1], i)];
            l[i] = -RobustMultiClass.Expm1(q * logpY) / q; // (1 - p_y^q) / q
        }
        return Reduce(l, r);
    }
}

using CustomLosses;
using CustomLosses.Catalog;
using static TorchSharp.torch;

namespace Harness.Validation.Checks.MultiClass;

/// <summary>Softmax focal loss against -alpha_y (1 - p_y)^gamma log p_y (no libtorch twin).</summary>
public sealed class FocalCheck : LossCheck
{
    public override string LossName => "focal";

    public override IEnumerable<LossCase> Cases(Generator g)
    {
        foreach (var (n, c) in RobustMultiClass.Shapes)
            yield return new LossCase($"random [{n},{c}]", LossOptions.Empty, RobustMultiClass.Random(g, n, c));
        yield return new LossCase("random [5,4] scale 3", LossOptions.Of(("gamma", 0.0)), RobustMultiClass.Random(g, 5, 4, 3));
        yield return new LossCase("random [5,4]", LossOptions.Of(("gamma", 0.5)), RobustMultiClass.Random(g, 5, 4));
        yield return new LossCase("random [5,4]", LossOptions.Of(("gamma", 5.0)), RobustMultiClass.Random(g, 5, 4, 2));
        yield return new LossCase("random [6,5] per-class alpha", LossOptions.Of(("alpha", new[] { 0.25, 1.0, 0.5, 2.0, 0.75 })),
            RobustMultiClass.Random(g, 6, 5));
        yield return new LossCase("random [6,4] alpha with a zero", LossOptions.Of(("gamma", 1.5), ("alpha", new[] { 0.0, 1.0, 0.3, 0.6 })),
            RobustMultiClass.Random(g, 6, 4));
        foreach (var k in RobustMultiClass.HardCases(g, LossOptions.Empty)) yield return k;
        foreach (var k in RobustMultiClass.HardCases(g, LossOptions.Of(("gamma", 0.5), ("alpha", new[] { 0.25, 1.0, 0.5, 2.0, 0.75 })), ", alpha"))
            if (k.Inputs[0].shape[1] == 5) yield return k;
        foreach (var k in RobustMultiClass.HardCases(g, LossOptions.Of(("gamma", 0.0)))) yield return k;
    }

    public override double[] Reference(LossCase c, HostArray[] x, nn.Reduction r)
    {
        var o = RobustMultiClass.Options(LossName, c);
        double gamma = o.Real("gamma");
        var alpha = o.RealVector("alpha");
        int n = x[0].Dim(0);
        var l = new double[n];
        for (int i = 0; i < n; i++)
        {
            int y = RobustMultiClass.Target(x[1], i);
            double logpT = RobustMultiClass.LogSoftmaxRow(x[0], i)[y];
            double oneMinusPt = -RobustMultiClass.Expm1(logpT);
            l[i] = -(alpha?[y] ?? 1.0) * Math.Pow(oneMinusPt, gamma) * logpT;
        }
        return Reduce(l, r);
    }
}

using CustomLosses;
using CustomLosses.Catalog;
using static Harness.Validation.Checks.MultiClass.ClassCases;
using static TorchSharp.torch;

namespace Harness.Validation.Checks.MultiClass;

/// <summary>Crammer-Singer hinge against max(0, margin + max_{j != y} x_j - x_y) (no libtorch twin).</summary>
public sealed class CrammerSingerCheck : LossCheck
{
    public override string LossName => "crammer-singer";

    public override IEnumerable<LossCase> Cases(Generator g)
    {
        yield return new LossCase("random [5,4]", LossOptions.Empty, [CaseInputs.Normal(g, [5, 4]), Indices(g, [5], 4)]);
        yield return new LossCase("random [6], one sample, 0-d target", LossOptions.Empty, [CaseInputs.Normal(g, [6]), Indices(g, [], 6)]);
        yield return new LossCase("random [5], one sample, target [1]", Of(("margin", 2.0)), [CaseInputs.Normal(g, [5]), Indices(g, [1], 5)]);
        yield return new LossCase("random [8,3] margin 0.5", Of(("margin", 0.5)), [CaseInputs.Normal(g, [8, 3]), Indices(g, [8], 3)]);
        yield return new LossCase("random [4,6] margin 3", Of(("margin", 3.0)), [CaseInputs.Normal(g, [4, 6]), Indices(g, [4], 6)]);
        yield return new LossCase("two classes [6,2]", LossOptions.Empty, [CaseInputs.Normal(g, [6, 2]), Indices(g, [6], 2)]);

        foreach (var m in new[] { 100.0, 1000.0 })
        {
            yield return new LossCase($"logits ±{m}", LossOptions.Empty, [CaseInputs.Normal(g, [5, 4], m), Indices(g, [5], 4)], hard: true);
            yield return new LossCase($"logits ±{m} (one class huge)", Of(("margin", 0.5)), [HugeLogits(g, 5, 4, m), Targets(0, 2, 0, 3, 1)], hard: true);
        }
        yield return new LossCase("batch of one [1,4]", LossOptions.Empty, [CaseInputs.Normal(g, [1, 4]), Targets(2)], hard: true);
        // Exactly on the hinge (margin + max - x_y = 0), and two wrong classes tied for the maximum:
        // kinks, so only values are compared with the formula.
        yield return new LossCase("on the hinge", LossOptions.Empty,
            [tensor(new[] { 2.0, 1.0, 0.5, -1.0, 3.0, 0.5 }).reshape(2, 3), Targets(0, 2)], hard: true, smooth: false);
        yield return new LossCase("tied wrong classes", LossOptions.Empty,
            [tensor(new[] { 0.0, 1.0, 1.0, 2.0, -0.5, 2.0 }).reshape(2, 3), Targets(0, 1)], hard: true, smooth: false);
    }

    public override double[] Reference(LossCase c, HostArray[] x, nn.Reduction r)
    {
        double margin = Real(c, "margin", 1.0);
        int classes = x[0].Dim(x[0].Rank - 1);
        int n = x[0].Rank == 1 ? 1 : x[0].Dim(0);
        var l = new double[n];
        for (int i = 0; i < n; i++)
        {
            int y = (int)x[1].Data[i];
            double worst = double.NegativeInfinity;
            for (int j = 0; j < classes; j++)
                if (j != y) worst = Math.Max(worst, x[0].Data[i * classes + j]);
            l[i] = Math.Max(0, margin + worst - x[0].Data[i * classes + y]);
        }
        return Reduce(l, r);
    }
}

using CustomLosses;
using CustomLosses.Catalog;
using static Harness.Validation.Checks.MultiClass.ClassCases;
using static TorchSharp.torch;

namespace Harness.Validation.Checks.MultiClass;

/// <summary>Multi-margin against <c>multi_margin_loss</c> and the hinge sum divided by C.</summary>
public sealed class MultiMarginCheck : LossCheck
{
    public override string LossName => "multi-margin";

    public override IEnumerable<LossCase> Cases(Generator g)
    {
        double[] w4 = [0.5, 1.0, 2.0, 0.25];
        yield return new LossCase("random [5,4]", LossOptions.Empty, [CaseInputs.Normal(g, [5, 4]), Indices(g, [5], 4)]);
        yield return new LossCase("random [6], one sample, 0-d target", LossOptions.Empty, [CaseInputs.Normal(g, [6]), Indices(g, [], 6)]);
        yield return new LossCase("random [5], one sample, target [1]", Of(("p", 2L)), [CaseInputs.Normal(g, [5]), Indices(g, [1], 5)]);
        yield return new LossCase("random [6,3] p=2", Of(("p", 2L)), [CaseInputs.Normal(g, [6, 3]), Indices(g, [6], 3)]);
        yield return new LossCase("random [5,4] margin 0.5, weighted", Of(("margin", 0.5), ("weight", w4)),
            [CaseInputs.Normal(g, [5, 4]), Indices(g, [5], 4)]);
        yield return new LossCase("random [5,4] p=2, margin 2, weighted", Of(("p", 2L), ("margin", 2.0), ("weight", w4)),
            [CaseInputs.Normal(g, [5, 4]), Indices(g, [5], 4)]);
        yield return new LossCase("random [4,6] margin -0.3", Of(("margin", -0.3)), [CaseInputs.Normal(g, [4, 6]), Indices(g, [4], 6)]);

        foreach (var m in new[] { 100.0, 1000.0 })
        {
            yield return new LossCase($"logits ±{m}", LossOptions.Empty, [CaseInputs.Normal(g, [5, 4], m), Indices(g, [5], 4)], hard: true);
            yield return new LossCase($"logits ±{m} (one class huge) p=2, weighted", Of(("p", 2L), ("weight", w4)),
                [HugeLogits(g, 5, 4, m), Targets(0, 2, 0, 3, 1)], hard: true);
        }
        yield return new LossCase("batch of one [1,4]", Of(("weight", w4)), [CaseInputs.Normal(g, [1, 4]), Targets(2)], hard: true);
        // margin - x_y + x_j exactly 0 for some j (and exactly 1 - 1 for others): the hinge's kink,
        // where libtorch's gradient is 0. Values are exact in float32 too.
        foreach (var p in new[] { 1L, 2L })
            yield return new LossCase($"on the hinge (margin - x_y + x_j = 0) p={p}", Of(("p", p)),
                [tensor(new[] { 1.5, 0.5, -1.0, 0.5, 2.0, 1.0 }).reshape(2, 3), Targets(0, 2)], hard: true, smooth: false);
    }

    public override double[] Reference(LossCase c, HostArray[] x, nn.Reduction r)
    {
        long p = Integer(c, "p", 1);
        double margin = Real(c, "margin", 1.0);
        var w = Vector(c, "weight");
        int classes = x[0].Dim(x[0].Rank - 1);
        int n = x[0].Rank == 1 ? 1 : x[0].Dim(0);
        var l = new double[n];
        for (int i = 0; i < n; i++)
        {
            int y = (int)x[1].Data[i];
            double xy = x[0].Data[i * classes + y], sum = 0;
            for (int j = 0; j < classes; j++)
            {
                if (j == y) continue;
                double z = margin - xy + x[0].Data[i * classes + j];
                if (z <= 0) continue;
                double h = p == 1 ? z : z * z;
                sum += w is null ? h : w[y] * h;
            }
            l[i] = sum / classes;
        }
        return Reduce(l, r);
    }
}

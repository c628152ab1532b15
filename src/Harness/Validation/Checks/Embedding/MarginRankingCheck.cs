using CustomLosses;
using CustomLosses.Catalog;
using Harness.Validation.Checks.Regression;
using static TorchSharp.torch;

namespace Harness.Validation.Checks.Embedding;

/// <summary>Margin ranking against <c>margin_ranking_loss</c> and max(0, -y (x1 - x2) + margin).</summary>
public sealed class MarginRankingCheck : LossCheck
{
    public override string LossName => "margin-ranking";

    public override IEnumerable<LossCase> Cases(Generator g)
    {
        foreach (var shape in new long[][] { [8], [3, 4] })
            yield return new LossCase($"random [{string.Join(",", shape)}]", LossOptions.Empty,
                [CaseInputs.Normal(g, shape), CaseInputs.Normal(g, shape), CaseInputs.PlusMinusOne(g, shape)]);
        foreach (var margin in new[] { 0.5, -0.3, 2.0 })
            yield return new LossCase("random [10]", LossOptions.Of(("margin", margin)),
                [CaseInputs.Normal(g, [10]), CaseInputs.Normal(g, [10]), CaseInputs.PlusMinusOne(g, [10])]);
        yield return new LossCase("batch of one", LossOptions.Of(("margin", 0.25)),
            [CaseInputs.Normal(g, [1]), CaseInputs.Normal(g, [1]), tensor(new[] { 1.0 })]);
        yield return new LossCase("scores of magnitude 1000", LossOptions.Of(("margin", 1.0)),
            [CaseInputs.Normal(g, [8], 1000), CaseInputs.Normal(g, [8], 1000), CaseInputs.PlusMinusOne(g, [8])], hard: true);
        // On the hinge (-y (x1 - x2) + margin = 0 exactly): clamp_min passes the gradient there.
        yield return new LossCase("on the hinge", LossOptions.Of(("margin", 0.5)),
            [tensor(new[] { 1.0, 0.0, 2.0, -1.0 }), tensor(new[] { 0.5, 0.5, 2.0, -1.0 }), tensor(new[] { 1.0, -1.0, 1.0, -1.0 })],
            hard: true, smooth: false);
        yield return new LossCase("x1 equals x2, margin 0", LossOptions.Empty,
            [tensor(new[] { 1.0, -2.0, 0.0 }), tensor(new[] { 1.0, -2.0, 0.0 }), tensor(new[] { 1.0, -1.0, 1.0 })], hard: true, smooth: false);
    }

    public override double[] Reference(LossCase c, HostArray[] x, nn.Reduction r)
    {
        double margin = CaseOptionValues.Real(c, "margin", 0.0);
        var l = new double[x[0].Count];
        for (int i = 0; i < l.Length; i++)
            l[i] = Math.Max(0.0, -x[2][i] * (x[0][i] - x[1][i]) + margin);
        return Reduce(l, r);
    }
}

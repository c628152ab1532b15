using CustomLosses;
using CustomLosses.Catalog;
using static TorchSharp.torch;

namespace Harness.Validation.Checks.Regression;

/// <summary>Quantile (pinball) loss against max(tau d, (tau - 1) d) (no libtorch twin).</summary>
public sealed class QuantileCheck : LossCheck
{
    public override string LossName => "quantile";

    public override IEnumerable<LossCase> Cases(Generator g)
    {
        foreach (var shape in RegressionShapes.Random)
            yield return new LossCase($"random {RegressionShapes.Format(shape)}", LossOptions.Empty,
                [CaseInputs.Normal(g, shape), CaseInputs.Normal(g, shape)]);
        foreach (var tau in new[] { 0.1, 0.9, 0.999 })
            yield return new LossCase("random [4,5]", LossOptions.Of(("tau", tau)),
                [CaseInputs.Normal(g, [4, 5]), CaseInputs.Normal(g, [4, 5])]);
        yield return new LossCase("batch of one", LossOptions.Of(("tau", 0.25)), [CaseInputs.Normal(g, [1]), CaseInputs.Normal(g, [1])]);
        yield return new LossCase("magnitude 1e3", LossOptions.Of(("tau", 0.8)),
            [CaseInputs.Normal(g, [6, 3], 1e3), CaseInputs.Normal(g, [6, 3], 1e3)], hard: true);
        // The kink at x = y: values only (the gradient there is a subgradient).
        yield return new LossCase("input equals target", LossOptions.Of(("tau", 0.3)),
            [tensor(new[] { 1.5, -2.0, 0.0 }), tensor(new[] { 1.5, -2.0, 0.0 })], hard: true, smooth: false);
    }

    public override double[] Reference(LossCase c, HostArray[] x, nn.Reduction r)
    {
        double tau = CaseOptionValues.Real(c, "tau", 0.5);
        var l = new double[x[0].Count];
        for (int i = 0; i < l.Length; i++)
        {
            double d = x[1][i] - x[0][i];
            l[i] = d >= 0 ? tau * d : (tau - 1) * d;
        }
        return Reduce(l, r);
    }
}

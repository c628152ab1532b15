using CustomLosses;
using CustomLosses.Catalog;
using static TorchSharp.torch;

namespace Harness.Validation.Checks.Regression;

/// <summary>MSE against <c>mse_loss</c> and (x - y)^2.</summary>
public sealed class MseCheck : LossCheck
{
    public override string LossName => "mse";

    public override IEnumerable<LossCase> Cases(Generator g)
    {
        foreach (var shape in RegressionShapes.Random)
            yield return new LossCase($"random {RegressionShapes.Format(shape)}", LossOptions.Empty,
                [CaseInputs.Normal(g, shape), CaseInputs.Normal(g, shape)]);
        yield return new LossCase("batch of one", LossOptions.Empty, [CaseInputs.Normal(g, [1]), CaseInputs.Normal(g, [1])]);
        yield return new LossCase("magnitude 1e3", LossOptions.Empty, [CaseInputs.Normal(g, [6, 3], 1e3), CaseInputs.Normal(g, [6, 3], 1e3)], hard: true);
        yield return new LossCase("input equals target", LossOptions.Empty, [tensor(new[] { 1.5, -2.0, 0.0 }), tensor(new[] { 1.5, -2.0, 0.0 })], hard: true);
    }

    public override double[] Reference(LossCase c, HostArray[] x, nn.Reduction r)
    {
        var l = new double[x[0].Count];
        for (int i = 0; i < l.Length; i++) l[i] = (x[0][i] - x[1][i]) * (x[0][i] - x[1][i]);
        return Reduce(l, r);
    }
}

using CustomLosses;
using CustomLosses.Catalog;
using static TorchSharp.torch;

namespace Harness.Validation.Checks.Regression;

/// <summary>L1 against <c>l1_loss</c> and |x - y|.</summary>
public sealed class L1Check : LossCheck
{
    public override string LossName => "l1";

    public override IEnumerable<LossCase> Cases(Generator g)
    {
        foreach (var shape in RegressionShapes.Random)
            yield return new LossCase($"random {RegressionShapes.Format(shape)}", LossOptions.Empty,
                [CaseInputs.Normal(g, shape), CaseInputs.Normal(g, shape)]);
        yield return new LossCase("batch of one", LossOptions.Empty, [CaseInputs.Normal(g, [1]), CaseInputs.Normal(g, [1])]);
        // |x - y| has a kink at x = y: values and gradients must match libtorch (0 there), finite differences cannot.
        yield return new LossCase("input equals target", LossOptions.Empty,
            [tensor(new[] { 1.5, -2.0, 0.0 }), tensor(new[] { 1.5, -2.0, 0.0 })], hard: true, smooth: false);
    }

    public override double[] Reference(LossCase c, HostArray[] x, nn.Reduction r)
    {
        var l = new double[x[0].Count];
        for (int i = 0; i < l.Length; i++) l[i] = Math.Abs(x[0][i] - x[1][i]);
        return Reduce(l, r);
    }
}

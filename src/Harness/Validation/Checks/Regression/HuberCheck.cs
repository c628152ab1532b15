using CustomLosses;
using CustomLosses.Catalog;
using static TorchSharp.torch;

namespace Harness.Validation.Checks.Regression;

/// <summary>Huber against <c>huber_loss</c> and the piecewise formula.</summary>
public sealed class HuberCheck : LossCheck
{
    public override string LossName => "huber";

    public override IEnumerable<LossCase> Cases(Generator g)
    {
        // Scale 1.5 puts elements on both sides of delta = 1.
        foreach (var shape in RegressionShapes.Random)
            yield return new LossCase($"random {RegressionShapes.Format(shape)}", LossOptions.Empty,
                [CaseInputs.Normal(g, shape, 1.5), CaseInputs.Normal(g, shape)]);
        foreach (var delta in new[] { 0.3, 2.5 })
            yield return new LossCase("random [4,5]", LossOptions.Of(("delta", delta)),
                [CaseInputs.Normal(g, [4, 5], 2.0), CaseInputs.Normal(g, [4, 5])]);
        yield return new LossCase("batch of one", LossOptions.Empty, [CaseInputs.Normal(g, [1]), CaseInputs.Normal(g, [1])]);
        yield return new LossCase("magnitude 1e3", LossOptions.Of(("delta", 0.5)),
            [CaseInputs.Normal(g, [6, 3], 1e3), CaseInputs.Normal(g, [6, 3], 1e3)], hard: true);
        yield return new LossCase("input equals target", LossOptions.Empty,
            [tensor(new[] { 1.5, -2.0, 0.0 }), tensor(new[] { 1.5, -2.0, 0.0 })], hard: true);
        // |d| exactly delta: the quadratic and linear pieces meet (second derivative jumps).
        yield return new LossCase("|x - y| equals delta", LossOptions.Of(("delta", 0.5)),
            [tensor(new[] { 1.0, -0.5, 2.25 }), tensor(new[] { 0.5, 0.0, 2.75 })], hard: true, smooth: false);
    }

    public override double[] Reference(LossCase c, HostArray[] x, nn.Reduction r)
    {
        double delta = CaseOptionValues.Real(c, "delta", 1.0);
        var l = new double[x[0].Count];
        for (int i = 0; i < l.Length; i++)
        {
            double z = Math.Abs(x[0][i] - x[1][i]);
            l[i] = z < delta ? 0.5 * z * z : delta * (z - 0.5 * delta);
        }
        return Reduce(l, r);
    }
}

using CustomLosses;
using CustomLosses.Catalog;
using static TorchSharp.torch;

namespace Harness.Validation.Checks.Regression;

/// <summary>Log-cosh against log(cosh(d)) (no libtorch twin).</summary>
public sealed class LogCoshCheck : LossCheck
{
    public override string LossName => "log-cosh";

    public override IEnumerable<LossCase> Cases(Generator g)
    {
        // Scale 2 puts elements on both sides of |d| = 1, where the implementation switches form.
        foreach (var shape in RegressionShapes.Random)
            yield return new LossCase($"random {RegressionShapes.Format(shape)}", LossOptions.Empty,
                [CaseInputs.Normal(g, shape, 2.0), CaseInputs.Normal(g, shape)]);
        yield return new LossCase("batch of one", LossOptions.Empty, [CaseInputs.Normal(g, [1]), CaseInputs.Normal(g, [1])]);
        yield return new LossCase("small differences (1e-4)", LossOptions.Empty,
            [CaseInputs.Normal(g, [3, 4], 1e-4), zeros(3, 4, dtype: ScalarType.Float64)], hard: true);
        yield return new LossCase("|x - y| exactly 1 (form switch)", LossOptions.Empty,
            [tensor(new[] { 1.0, -1.0, 3.5 }), tensor(new[] { 0.0, 0.0, 2.5 })], hard: true);
        yield return new LossCase("differences of magnitude 100", LossOptions.Empty,
            [tensor(new[] { 100.0, -100.0, 37.0, 0.0 }), tensor(new[] { 0.0, 0.0, -63.0, 100.0 })], hard: true);
        yield return new LossCase("differences of magnitude 1000", LossOptions.Empty,
            [tensor(new[] { 1000.0, -1000.0, 400.0, 0.5 }), tensor(new[] { 0.0, 0.0, -600.0, 1000.5 })], hard: true);
        yield return new LossCase("input equals target", LossOptions.Empty,
            [tensor(new[] { 1.5, -2.0, 0.0 }), tensor(new[] { 1.5, -2.0, 0.0 })], hard: true);
    }

    public override double[] Reference(LossCase c, HostArray[] x, nn.Reduction r)
    {
        var l = new double[x[0].Count];
        for (int i = 0; i < l.Length; i++)
        {
            double d = x[0][i] - x[1][i];
            // cosh overflows past ~710; beyond |d| = 20, log(cosh d) = |d| - log 2 + log(1 + e^{-2|d|}) with e^{-40} ~ 4e-18 negligible.
            l[i] = Math.Abs(d) < 20 ? Math.Log(Math.Cosh(d)) : Math.Abs(d) - Math.Log(2.0) + Math.Exp(-2 * Math.Abs(d));
        }
        return Reduce(l, r);
    }
}

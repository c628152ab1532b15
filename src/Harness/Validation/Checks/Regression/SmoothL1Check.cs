using CustomLosses;
using CustomLosses.Catalog;
using static TorchSharp.torch;

namespace Harness.Validation.Checks.Regression;

/// <summary>Smooth L1 against <c>smooth_l1_loss</c> and the piecewise formula (beta = 0: |d|).</summary>
public sealed class SmoothL1Check : LossCheck
{
    public override string LossName => "smooth-l1";

    public override IEnumerable<LossCase> Cases(Generator g)
    {
        foreach (var shape in RegressionShapes.Random)
            yield return new LossCase($"random {RegressionShapes.Format(shape)}", LossOptions.Empty,
                [CaseInputs.Normal(g, shape, 1.5), CaseInputs.Normal(g, shape)]);
        foreach (var beta in new[] { 0.0, 0.3, 2.5 })
            yield return new LossCase("random [4,5]", LossOptions.Of(("beta", beta)),
                [CaseInputs.Normal(g, [4, 5], 2.0), CaseInputs.Normal(g, [4, 5])]);
        yield return new LossCase("batch of one", LossOptions.Empty, [CaseInputs.Normal(g, [1]), CaseInputs.Normal(g, [1])]);
        yield return new LossCase("magnitude 1e3", LossOptions.Of(("beta", 0.5)),
            [CaseInputs.Normal(g, [6, 3], 1e3), CaseInputs.Normal(g, [6, 3], 1e3)], hard: true);
        yield return new LossCase("input equals target", LossOptions.Empty,
            [tensor(new[] { 1.5, -2.0, 0.0 }), tensor(new[] { 1.5, -2.0, 0.0 })], hard: true);
        // beta = 0 is L1 (PyTorch's smooth_l1_loss calls l1_loss then): a kink at d = 0. Values only: PyTorch's
        // gradient there is 0 (abs), but libtorch's C++ smooth_l1 kernel, which TorchSharp calls without the
        // beta = 0 branch, returns -1 (its "d <= -beta" case), a different subgradient.
        yield return new LossCase("input equals target", LossOptions.Of(("beta", 0.0)),
            [tensor(new[] { 1.5, -2.0, 0.0 }), tensor(new[] { 1.5, -2.0, 0.0 })], [false, false], hard: true, smooth: false);
        yield return new LossCase("|x - y| equals beta", LossOptions.Of(("beta", 0.5)),
            [tensor(new[] { 1.0, -0.5, 2.25 }), tensor(new[] { 0.5, 0.0, 2.75 })], hard: true, smooth: false);
    }

    public override double[] Reference(LossCase c, HostArray[] x, nn.Reduction r)
    {
        double beta = CaseOptionValues.Real(c, "beta", 1.0);
        var l = new double[x[0].Count];
        for (int i = 0; i < l.Length; i++)
        {
            double z = Math.Abs(x[0][i] - x[1][i]);
            l[i] = beta == 0 ? z : z < beta ? 0.5 * z * z / beta : z - 0.5 * beta;
        }
        return Reduce(l, r);
    }
}

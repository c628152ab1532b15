using CustomLosses;
using CustomLosses.Catalog;
using static TorchSharp.torch;

namespace Harness.Validation.Checks.Regression;

/// <summary>
/// Gaussian NLL against the PyTorch 2.x formula. TorchSharp's <c>gaussian_nll_loss</c> is a C# port
/// that sums over non-batch dimensions before the mean, returns [N] for reduction none, gives the
/// variance no gradient and uses a float eps: expect it to be reported as a built-in defect.
/// </summary>
public sealed class GaussianNllCheck : LossCheck
{
    public override string LossName => "gaussian-nll";

    public override IEnumerable<LossCase> Cases(Generator g)
    {
        foreach (var shape in RegressionShapes.Random)
            yield return new LossCase($"random, var per element {RegressionShapes.Format(shape)}", LossOptions.Empty,
                [CaseInputs.Normal(g, shape), CaseInputs.Normal(g, shape), CaseInputs.Uniform(g, shape, 0.2, 2)]);
        yield return new LossCase("random [4,5], var [4,1]", LossOptions.Empty,
            [CaseInputs.Normal(g, [4, 5]), CaseInputs.Normal(g, [4, 5]), CaseInputs.Uniform(g, [4, 1], 0.2, 2)]);
        yield return new LossCase("random [4,5], var [4] (unsqueezed)", LossOptions.Empty,
            [CaseInputs.Normal(g, [4, 5]), CaseInputs.Normal(g, [4, 5]), CaseInputs.Uniform(g, [4], 0.2, 2)]);
        yield return new LossCase("random [4,5]", LossOptions.Of(("full", true)),
            [CaseInputs.Normal(g, [4, 5]), CaseInputs.Normal(g, [4, 5]), CaseInputs.Uniform(g, [4, 5], 0.2, 2)]);
        yield return new LossCase("random [4,5], var above eps", LossOptions.Of(("eps", 0.01), ("full", true)),
            [CaseInputs.Normal(g, [4, 5]), CaseInputs.Normal(g, [4, 5]), CaseInputs.Uniform(g, [4, 5], 0.05, 2)]);
        yield return new LossCase("batch of one [1,3], var [1,1]", LossOptions.Empty,
            [CaseInputs.Normal(g, [1, 3]), CaseInputs.Normal(g, [1, 3]), CaseInputs.Uniform(g, [1, 1], 0.2, 2)]);
        // Means of magnitude 1e3 with variances on the matching scale (1e6), and small variances (1e-3) with
        // errors to match: larger curvature would swamp the finite differences' truncation error.
        yield return new LossCase("magnitude 1e3", LossOptions.Empty,
            [CaseInputs.Normal(g, [6, 3], 1e3), CaseInputs.Normal(g, [6, 3], 1e3), CaseInputs.Uniform(g, [6, 3], 5e5, 5e6)], hard: true);
        yield return new LossCase("small variances (1e-3)", LossOptions.Empty,
            [CaseInputs.Normal(g, [3, 4], 0.03), CaseInputs.Normal(g, [3, 4], 0.03), CaseInputs.Uniform(g, [3, 4], 1e-3, 2e-3)], hard: true);
        yield return new LossCase("large errors, unit variances", LossOptions.Of(("full", true)),
            [CaseInputs.Normal(g, [2, 3], 1e3), CaseInputs.Normal(g, [2, 3]), CaseInputs.Uniform(g, [2, 3], 2, 5)], hard: true);
        // Variances below eps (and exactly 0) are clamped to eps; the gradient still flows as if unclamped,
        // so finite differences (which see the clamp) do not apply.
        yield return new LossCase("var exactly 0 and below eps", LossOptions.Empty,
            [tensor(new[] { 0.5, -1.0, 0.25, 2.0, 0.0 }), tensor(new[] { 0.0, -1.001, 0.0, 1.0, 0.0 }), tensor(new[] { 0.0, 0.0, 1e-7, 1e-6, 0.3 })],
            hard: true, smooth: false);
        yield return new LossCase("var below eps", LossOptions.Of(("eps", 0.1), ("full", true)),
            [CaseInputs.Normal(g, [3, 4]), CaseInputs.Normal(g, [3, 4]), CaseInputs.Uniform(g, [3, 4], 0.0, 0.3)], hard: true, smooth: false);
    }

    public override double[] Reference(LossCase c, HostArray[] x, nn.Reduction r)
    {
        bool full = CaseOptionValues.Boolean(c, "full", false);
        double eps = CaseOptionValues.Real(c, "eps", 1e-6);
        var (input, target, variance) = (x[0], x[1], x[2]);
        // var has the input's shape, or one entry per row (last dim 1, or the last dim dropped).
        int perVar = input.Count / variance.Count;
        var l = new double[input.Count];
        for (int i = 0; i < l.Length; i++)
        {
            double v = Math.Max(variance[i / perVar], eps);
            double d = input[i] - target[i];
            l[i] = 0.5 * (Math.Log(v) + d * d / v);
            if (full) l[i] += 0.5 * Math.Log(2 * Math.PI);
        }
        return Reduce(l, r);
    }
}

using CustomLosses;
using CustomLosses.Catalog;
using static TorchSharp.torch;

namespace Harness.Validation.Checks.Regression;

/// <summary>
/// Poisson NLL against <c>poisson_nll_loss</c> and the formula. TorchSharp's binding passes eps as a
/// float to a native double, so with <c>log_input = false</c> it effectively uses eps ~ 4e-315: the
/// "input exactly 0" case exposes it (-log eps = 724 instead of 18.4), and it is reported as a built-in defect.
/// </summary>
public sealed class PoissonNllCheck : LossCheck
{
    public override string LossName => "poisson-nll";
    static readonly bool[] InputOnly = [true, false];

    static Tensor Counts(Generator g, long[] shape, long max = 7) =>
        randint(0, max, shape, dtype: ScalarType.Float64, generator: g);

    public override IEnumerable<LossCase> Cases(Generator g)
    {
        // Real-valued targets (away from the y = 1 mask edge) so the target gradient is checked too.
        foreach (var shape in RegressionShapes.Random)
            yield return new LossCase($"random log-rates {RegressionShapes.Format(shape)}", LossOptions.Empty,
                [CaseInputs.Normal(g, shape), CaseInputs.Uniform(g, shape, 0, 5)]);
        yield return new LossCase("random rates [4,5]", LossOptions.Of(("log_input", false)),
            [CaseInputs.Uniform(g, [4, 5], 0.2, 4), CaseInputs.Uniform(g, [4, 5], 0, 5)]);
        yield return new LossCase("random rates [4,5]", LossOptions.Of(("log_input", false), ("eps", 0.05)),
            [CaseInputs.Uniform(g, [4, 5], 0.2, 4), CaseInputs.Uniform(g, [4, 5], 0, 5)]);
        yield return new LossCase("random log-rates, real targets [4,5]", LossOptions.Of(("full", true)),
            [CaseInputs.Normal(g, [4, 5]), CaseInputs.Uniform(g, [4, 5], 0, 5)]);
        yield return new LossCase("random rates, real targets [4,5]", LossOptions.Of(("log_input", false), ("full", true)),
            [CaseInputs.Uniform(g, [4, 5], 0.2, 4), CaseInputs.Uniform(g, [4, 5], 0, 5)]);
        // Integer counts (0 and 1 among them, where the Stirling term is masked): the target is data, not differentiated.
        yield return new LossCase("counts [3,6]", LossOptions.Of(("full", true)),
            [CaseInputs.Normal(g, [3, 6]), Counts(g, [3, 6])], InputOnly);
        yield return new LossCase("counts [3,6]", LossOptions.Of(("log_input", false), ("full", true)),
            [CaseInputs.Uniform(g, [3, 6], 0.2, 4), Counts(g, [3, 6])], InputOnly);
        yield return new LossCase("batch of one", LossOptions.Empty, [CaseInputs.Normal(g, [1]), Counts(g, [1])], InputOnly);
        yield return new LossCase("zero targets", LossOptions.Of(("full", true)),
            [CaseInputs.Normal(g, [5]), zeros(5, dtype: ScalarType.Float64)], InputOnly, hard: true);
        // Log-rates far below 0 (exp underflows to 0; the loss is -y x) and large ones (exp(50) ~ 5e21, finite in float32).
        yield return new LossCase("log-rates -1000, -100", LossOptions.Empty,
            [tensor(new[] { -1000.0, -100.0, -100.0, 2.0, 0.5 }), tensor(new[] { 3.0, 0.0, 2.0, 1.0, 9.0 })], hard: true);
        yield return new LossCase("log-rates -1000, -100", LossOptions.Of(("full", true)),
            [tensor(new[] { -1000.0, -100.0, -100.0, 2.0, 0.5 }), tensor(new[] { 3.0, 0.0, 2.0, 1.0, 9.0 })], InputOnly, hard: true);
        // Large log-rates alone and input-only: exp(x) swamps the finite differences of anything smaller.
        yield return new LossCase("log-rate 20", LossOptions.Empty, [tensor(new[] { 20.0 }), tensor(new[] { 9.0 })], InputOnly, hard: true);
        yield return new LossCase("log-rate 50", LossOptions.Of(("full", true)), [tensor(new[] { 50.0 }), tensor(new[] { 4.0 })], InputOnly, hard: true);
        // Rate exactly 0: log(0 + eps). The finite difference would leave the domain.
        yield return new LossCase("rate exactly 0", LossOptions.Of(("log_input", false)),
            [tensor(new[] { 0.0, 0.0, 0.0, 1.5 }), tensor(new[] { 0.0, 1.0, 3.0, 2.0 })], InputOnly, hard: true, smooth: false);
        yield return new LossCase("rate exactly 0", LossOptions.Of(("log_input", false), ("full", true)),
            [tensor(new[] { 0.0, 0.0, 0.0, 1.5 }), tensor(new[] { 0.0, 1.0, 3.0, 2.0 })], InputOnly, hard: true, smooth: false);
    }

    public override double[] Reference(LossCase c, HostArray[] x, nn.Reduction r)
    {
        bool logInput = CaseOptionValues.Boolean(c, "log_input", true);
        bool full = CaseOptionValues.Boolean(c, "full", false);
        double eps = CaseOptionValues.Real(c, "eps", 1e-8);
        var l = new double[x[0].Count];
        for (int i = 0; i < l.Length; i++)
        {
            double input = x[0][i], y = x[1][i];
            l[i] = logInput ? Math.Exp(input) - y * input : input - y * Math.Log(input + eps);
            if (full && y > 1)
                l[i] += y * Math.Log(y) - y + 0.5 * Math.Log(2 * Math.PI * y);
        }
        return Reduce(l, r);
    }
}

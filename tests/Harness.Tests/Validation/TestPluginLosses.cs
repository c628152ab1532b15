using CustomLosses;
using CustomLosses.Catalog;
using static TorchSharp.torch;

namespace Harness.Tests.Validation;

/// <summary>
/// Losses shaped as a plugin's, registered by the tests that validate them (once per process: registering the same
/// specs again is a no-op). Their names end in "-validation-test" so that nothing else can take them.
/// </summary>
internal static class TestPluginLosses
{
    public const string Origin = "Harness.Tests (validation)";

    /// <summary>Cauchy, log(1 + (x - y)^2), with a float64 formula and no twin.</summary>
    public static LossSpec Cauchy { get; } = new(
        Name: "cauchy-validation-test",
        Title: "Cauchy (test)",
        Summary: "log(1 + (x - y)^2)",
        Task: LossTask.Regression,
        ExpectedOutput: ModelOutput.RealValues,
        Target: TargetEncoding.Real,
        Options: [],
        Reference: LossSpec.FormulaReference,
        InputCount: 2,
        Factory: o => new CauchyLoss(o.Reduction))
    {
        Float64Formula = CauchyFormula,
        ZeroAtTarget = true,
        Origin = Origin,
    };

    /// <summary>scale (x - y)^2 with a libtorch twin (scale * mse_loss) and a formula.</summary>
    public static LossSpec ScaledSquaredError { get; } = new(
        Name: "scaled-squared-error-validation-test",
        Title: "Scaled squared error (test)",
        Summary: "scale (x - y)^2",
        Task: LossTask.Regression,
        ExpectedOutput: ModelOutput.RealValues,
        Target: TargetEncoding.Real,
        Options: [OptionSpec.Real("scale", 0.5, "The factor.", "> 0", v => v > 0)],
        Reference: "scale * torch.nn.functional.mse_loss",
        InputCount: 2,
        Factory: o => new SquaredErrorLoss(o.Reduction, o.Real("scale")))
    {
        Twin = o => new FunctionalLoss((x, y) => nn.functional.mse_loss(x, y, o.Reduction).mul(CachedScalars.Of(o.Real("scale")))),
        Float64Formula = (x, o, r) => Reduce(x[0].Data.Select((v, i) => o.Real("scale") * (v - x[1][i]) * (v - x[1][i])).ToArray(), r),
        ZeroAtTarget = true,
        Origin = Origin,
    };

    /// <summary>(x - y)^2 with neither twin nor formula: only finite differences and the properties can judge it.</summary>
    public static LossSpec Unreferenced { get; } = new(
        Name: "unreferenced-validation-test",
        Title: "Squared error without twin or formula (test)",
        Summary: "(x - y)^2",
        Task: LossTask.Regression,
        ExpectedOutput: ModelOutput.RealValues,
        Target: TargetEncoding.Real,
        Options: [],
        Reference: LossSpec.FormulaReference,
        InputCount: 2,
        Factory: o => new SquaredErrorLoss(o.Reduction, 1.0))
    {
        ZeroAtTarget = true,
        Origin = Origin,
    };

    /// <summary>Registers the test plugin's losses (idempotent).</summary>
    public static void Register() => LossRegistry.Register([Cauchy, ScaledSquaredError, Unreferenced]);

    static double[] CauchyFormula(IReadOnlyList<HostArray> x, ResolvedLossOptions o, nn.Reduction r) =>
        Reduce(x[0].Data.Select((v, i) => Math.Log(1 + (v - x[1][i]) * (v - x[1][i]))).ToArray(), r);

    static double[] Reduce(double[] l, nn.Reduction r) => r switch
    {
        nn.Reduction.None => l,
        nn.Reduction.Sum => [l.Sum()],
        _ => [l.Sum() / l.Length],
    };

    sealed class CauchyLoss(nn.Reduction reduction) : CustomLoss(nameof(CauchyLoss), reduction)
    {
        public override Tensor forward(Tensor input, Tensor target)
        {
            using var scope = NewDisposeScope();
            var d = input.sub(target);
            return Reduce(d.mul(d).log1p()).MoveToOuterDisposeScope();
        }
    }

    sealed class SquaredErrorLoss(nn.Reduction reduction, double scale) : CustomLoss(nameof(SquaredErrorLoss), reduction)
    {
        public override Tensor forward(Tensor input, Tensor target)
        {
            using var scope = NewDisposeScope();
            var d = input.sub(target);
            return Reduce(d.mul(d).mul(CachedScalars.Of(scale))).MoveToOuterDisposeScope();
        }
    }
}

/// <summary>A two-input loss module around a function (a twin, or a planted wrong loss).</summary>
internal sealed class FunctionalLoss(Func<Tensor, Tensor, Tensor> f) : nn.Module<Tensor, Tensor, Tensor>(nameof(FunctionalLoss))
{
    public override Tensor forward(Tensor input, Tensor target) => f(input, target);
}

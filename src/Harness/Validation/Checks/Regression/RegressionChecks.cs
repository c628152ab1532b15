namespace Harness.Validation.Checks.Regression;

/// <summary>Validation checks of the regression losses.</summary>
public static class RegressionChecks
{
    /// <summary>One check per regression loss.</summary>
    public static IReadOnlyList<LossCheck> All { get; } =
    [
        new MseCheck(),
        new L1Check(),
        new HuberCheck(),
        new SmoothL1Check(),
        new LogCoshCheck(),
        new QuantileCheck(),
        new PoissonNllCheck(),
        new GaussianNllCheck(),
    ];
}

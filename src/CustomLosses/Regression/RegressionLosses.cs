using CustomLosses.Catalog;

namespace CustomLosses.Regression;

/// <summary>The regression losses, in catalogue order.</summary>
public static class RegressionLosses
{
    /// <summary>Registry entries of this group.</summary>
    public static IReadOnlyList<LossSpec> Specs { get; } =
    [
        MseLoss.Spec,
        L1Loss.Spec,
        HuberLoss.Spec,
        SmoothL1Loss.Spec,
        LogCoshLoss.Spec,
        QuantileLoss.Spec,
        PoissonNllLoss.Spec,
        GaussianNllLoss.Spec,
    ];
}

using CustomLosses.Catalog;

namespace CustomLosses.MultiClass;

/// <summary>The multi-class losses, in catalogue order.</summary>
public static class MultiClassLosses
{
    /// <summary>Registry entries of this group.</summary>
    public static IReadOnlyList<LossSpec> Specs { get; } =
    [
        CrossEntropyLoss.Spec,
        NllLoss.Spec,
        MultiMarginLoss.Spec,
        KlDivLoss.Spec,
        CrammerSingerLoss.Spec,
        FocalLoss.Spec,
        GeneralizedCrossEntropyLoss.Spec,
        MaeOnProbabilitiesLoss.Spec,
        SymmetricCrossEntropyLoss.Spec,
        Poly1CrossEntropyLoss.Spec,
    ];
}

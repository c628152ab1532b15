using CustomLosses.Catalog;

namespace CustomLosses.Binary;

/// <summary>The binary and multi-label losses, in catalogue order.</summary>
public static class BinaryLosses
{
    /// <summary>Registry entries of this group.</summary>
    public static IReadOnlyList<LossSpec> Specs { get; } =
    [
        BceLoss.Spec,
        BceWithLogitsLoss.Spec,
        HingeLoss.Spec,
        SquaredHingeLoss.Spec,
        SoftMarginLoss.Spec,
        MultiLabelSoftMarginLoss.Spec,
        SigmoidFocalLoss.Spec,
        HingeEmbeddingLoss.Spec,
        MultiLabelMarginLoss.Spec,
    ];
}

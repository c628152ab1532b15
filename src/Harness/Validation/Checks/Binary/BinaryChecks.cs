namespace Harness.Validation.Checks.Binary;

/// <summary>Validation checks of the Binary group's losses.</summary>
public static class BinaryChecks
{
    /// <summary>One check per loss of the group.</summary>
    public static IReadOnlyList<LossCheck> All { get; } =
    [
        new BceCheck(),
        new BceWithLogitsCheck(),
        new HingeCheck(),
        new SquaredHingeCheck(),
        new SoftMarginCheck(),
        new MultiLabelSoftMarginCheck(),
        new SigmoidFocalCheck(),
        new HingeEmbeddingCheck(),
        new MultiLabelMarginCheck(),
    ];
}

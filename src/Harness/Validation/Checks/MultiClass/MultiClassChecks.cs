namespace Harness.Validation.Checks.MultiClass;

/// <summary>Validation checks of the MultiClass group's losses.</summary>
public static class MultiClassChecks
{
    /// <summary>One check per loss of the group.</summary>
    public static IReadOnlyList<LossCheck> All { get; } =
    [
        new CrossEntropyCheck(),
        new NllCheck(),
        new MultiMarginCheck(),
        new KlDivCheck(),
        new CrammerSingerCheck(),
        new FocalCheck(),
        new GeneralizedCrossEntropyCheck(),
        new MaeOnProbabilitiesCheck(),
        new SymmetricCrossEntropyCheck(),
        new Poly1CrossEntropyCheck(),
    ];
}

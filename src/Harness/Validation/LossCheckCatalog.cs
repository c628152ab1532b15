using System.Runtime.CompilerServices;
using CustomLosses.Catalog;
using Harness.Validation.Checks.Binary;
using Harness.Validation.Checks.Embedding;
using Harness.Validation.Checks.MultiClass;
using Harness.Validation.Checks.Regression;

namespace Harness.Validation;

/// <summary>
/// The check of every registered loss, by loss name: the hand-written one of each library loss, and for a loss without
/// one (a plugin's) a <see cref="SpecLossCheck"/> generated from its spec. A test keeps the hand-written checks in step
/// with the library's losses.
/// </summary>
public static class LossCheckCatalog
{
    /// <summary>The hand-written checks, in registry order.</summary>
    public static IReadOnlyList<LossCheck> HandWritten { get; } =
        RegressionChecks.All.Concat(MultiClassChecks.All).Concat(BinaryChecks.All).Concat(EmbeddingChecks.All).ToList();

    // One generated check per spec, so that a loss named twice is one check (and validated once).
    static readonly ConditionalWeakTable<LossSpec, SpecLossCheck> generated = [];

    /// <summary>A check for every registered loss, in registry order: hand-written where there is one, else generated.</summary>
    public static IReadOnlyList<LossCheck> All => LossRegistry.All.Select(For).ToList();

    /// <summary>The check for one loss (name or alias, case-insensitive), or null when no such loss is registered.</summary>
    public static LossCheck? Find(string lossName) => LossRegistry.Find(lossName) is { } spec ? For(spec) : null;

    static LossCheck For(LossSpec spec) =>
        HandWritten.FirstOrDefault(c => c.LossName == spec.Name) ?? generated.GetValue(spec, s => new SpecLossCheck(s));
}

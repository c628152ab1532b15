using Harness.Validation.Checks.Binary;
using Harness.Validation.Checks.Embedding;
using Harness.Validation.Checks.MultiClass;
using Harness.Validation.Checks.Regression;

namespace Harness.Validation;

/// <summary>Every loss check, by loss name. A test keeps it in step with the loss registry.</summary>
public static class LossCheckCatalog
{
    /// <summary>All checks in registry order.</summary>
    public static IReadOnlyList<LossCheck> All { get; } =
        RegressionChecks.All.Concat(MultiClassChecks.All).Concat(BinaryChecks.All).Concat(EmbeddingChecks.All).ToList();

    /// <summary>The check for one loss, or null.</summary>
    public static LossCheck? Find(string lossName) =>
        All.FirstOrDefault(c => string.Equals(c.LossName, lossName, StringComparison.OrdinalIgnoreCase));
}

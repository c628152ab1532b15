namespace Harness.Metrics;

/// <summary>
/// What selection reads: the validation metric that early stopping, the selected epoch and learning-rate tuning
/// compare. Validation accuracy (classification) or validation RMSE (regression), or the validation yardstick loss
/// (softmax cross-entropy / MSE) when early stopping monitors the loss. Never a test number.
/// </summary>
public static class SelectionRule
{
    /// <summary>The epoch's selection value; NaN when there is no validation split.</summary>
    public static double Value(EpochMetrics m, bool classification, bool byLoss) =>
        byLoss ? m.ValidationYardstick ?? double.NaN : m.ProgressMetric(classification);

    /// <summary>Direction: only validation accuracy goes up.</summary>
    public static bool HigherIsBetter(bool classification, bool byLoss) => classification && !byLoss;

    /// <summary>Words for reports, e.g. "validation accuracy".</summary>
    public static string Describe(bool classification, bool byLoss) =>
        byLoss ? (classification ? "validation cross-entropy" : "validation MSE") : classification ? "validation accuracy" : "validation RMSE";

    /// <summary>The first epoch with the best selection value, or null when no epoch has one.</summary>
    public static EpochMetrics? Select(IReadOnlyList<EpochMetrics> history, bool classification, bool byLoss)
    {
        bool higher = HigherIsBetter(classification, byLoss);
        EpochMetrics? best = null;
        double bestValue = double.NaN;
        foreach (var m in history)
        {
            var v = Value(m, classification, byLoss);
            if (!double.IsFinite(v)) continue;
            if (best == null || (higher ? v > bestValue : v < bestValue)) (best, bestValue) = (m, v);
        }
        return best;
    }
}

using Harness.Config;
using Harness.Metrics;

namespace Harness.Training;

/// <summary>Stops a run when the monitored validation metric has not improved by MinDelta for Patience epochs.</summary>
public sealed class EarlyStopping(EarlyStoppingConfig config, bool classification)
{
    double best = double.NaN;
    int epochsWithoutImprovement;

    /// <summary>What a checkpoint keeps: the best value so far (NaN before the first finite one) and the epochs since it improved.</summary>
    public readonly record struct State(double Best, int EpochsWithoutImprovement);

    /// <summary>The current state, for a checkpoint.</summary>
    public State Save() => new(best, epochsWithoutImprovement);

    /// <summary>Continues from a checkpoint's state.</summary>
    public void Restore(State state) => (best, epochsWithoutImprovement) = (state.Best, state.EpochsWithoutImprovement);

    /// <summary>Records an epoch; returns true when training should stop.</summary>
    public bool ShouldStop(EpochMetrics m)
    {
        if (!config.Enabled) return false;
        bool byLoss = config.Metric.Equals("loss", StringComparison.OrdinalIgnoreCase);
        // Higher is better only for accuracy on classification; RMSE and the yardstick loss go down.
        double value = SelectionRule.Value(m, classification, byLoss);
        if (!double.IsFinite(value)) return false;
        bool higherIsBetter = SelectionRule.HigherIsBetter(classification, byLoss);
        bool improved = double.IsNaN(best) || (higherIsBetter ? value > best + config.MinDelta : value < best - config.MinDelta);
        if (improved)
        {
            best = value;
            epochsWithoutImprovement = 0;
            return false;
        }
        return ++epochsWithoutImprovement >= config.Patience;
    }
}

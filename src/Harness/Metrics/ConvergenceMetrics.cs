namespace Harness.Metrics;

/// <summary>
/// How a run converged, from its epoch history: the epoch that validation selects (and its validation value), epochs
/// and seconds to a validation target, the area under the validation curve, and divergence. Nothing here is chosen on
/// the test set: the test numbers of a run are read at the selected and at the final epoch, never maximized over epochs.
/// </summary>
public sealed record ConvergenceMetrics
{
    /// <summary>The epoch with the best selection value (<see cref="SelectionRule"/>); null without a validation split.</summary>
    public int? SelectedEpoch { get; init; }
    /// <summary>The selection value at <see cref="SelectedEpoch"/>.</summary>
    public double? SelectedValidationScore { get; init; }
    /// <summary>First epoch whose validation metric reached the target (null when never, or no target).</summary>
    public int? EpochsToTarget { get; init; }
    /// <summary>Training seconds until that epoch ended.</summary>
    public double? SecondsToTarget { get; init; }
    /// <summary>Mean of the validation metric over epochs (area under the validation curve, normalized by epochs).</summary>
    public double? AreaUnderValidationCurve { get; init; }
    /// <summary>Epochs completed.</summary>
    public int Epochs { get; init; }
    /// <summary>The loss became NaN or infinite and the run stopped.</summary>
    public bool Diverged { get; init; }
    /// <summary>Early stopping ended the run.</summary>
    public bool StoppedEarly { get; init; }

    /// <summary>Summarizes a run's history.</summary>
    /// <param name="history">The epochs.</param>
    /// <param name="classification">Task.</param>
    /// <param name="target">Convergence target on the validation metric, or null.</param>
    /// <param name="diverged">The run diverged.</param>
    /// <param name="stoppedEarly">Early stopping ended it.</param>
    /// <param name="selectByLoss">Select on the validation yardstick loss instead of validation accuracy / RMSE.</param>
    public static ConvergenceMetrics From(IReadOnlyList<EpochMetrics> history, bool classification, double? target, bool diverged, bool stoppedEarly,
        bool selectByLoss = false)
    {
        if (history.Count == 0) return new ConvergenceMetrics { Diverged = diverged, StoppedEarly = stoppedEarly };
        var selected = SelectionRule.Select(history, classification, selectByLoss);

        int? epochsToTarget = null;
        double? secondsToTarget = null;
        if (target is { } t)
        {
            double elapsed = 0;
            foreach (var m in history)
            {
                elapsed += m.EpochSeconds;
                var p = m.ProgressMetric(classification);
                if (classification ? p >= t : p <= t)
                {
                    epochsToTarget = m.Epoch;
                    secondsToTarget = elapsed;
                    break;
                }
            }
        }
        var progress = history.Select(m => m.ProgressMetric(classification)).Where(double.IsFinite).ToList();
        return new ConvergenceMetrics
        {
            SelectedEpoch = selected?.Epoch,
            SelectedValidationScore = selected is null ? null : SelectionRule.Value(selected, classification, selectByLoss),
            EpochsToTarget = epochsToTarget,
            SecondsToTarget = secondsToTarget,
            AreaUnderValidationCurve = progress.Count == 0 ? null : progress.Average(),
            Epochs = history.Count,
            Diverged = diverged,
            StoppedEarly = stoppedEarly,
        };
    }
}

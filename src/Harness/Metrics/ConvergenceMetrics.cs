namespace Harness.Metrics;

/// <summary>
/// How a run converged, from its epoch history: best and final test score, epoch of the best, epochs and
/// seconds to a target, the area under the validation curve, and divergence.
/// </summary>
public sealed record ConvergenceMetrics
{
    /// <summary>Final test accuracy (classification) or RMSE (regression).</summary>
    public double? FinalTestScore { get; init; }
    /// <summary>Best test accuracy (max) or RMSE (min) over epochs.</summary>
    public double? BestTestScore { get; init; }
    /// <summary>Epoch of the best test score.</summary>
    public int? BestEpoch { get; init; }
    /// <summary>First epoch whose progress metric reached the target (null when never, or no target).</summary>
    public int? EpochsToTarget { get; init; }
    /// <summary>Training seconds until that epoch ended.</summary>
    public double? SecondsToTarget { get; init; }
    /// <summary>Mean of the progress metric over epochs (area under the validation curve, normalized by epochs).</summary>
    public double? AreaUnderValidationCurve { get; init; }
    /// <summary>Final test yardstick (softmax cross-entropy / MSE).</summary>
    public double? FinalTestYardstick { get; init; }
    /// <summary>Epochs completed.</summary>
    public int Epochs { get; init; }
    /// <summary>The loss became NaN or infinite and the run stopped.</summary>
    public bool Diverged { get; init; }
    /// <summary>Early stopping ended the run.</summary>
    public bool StoppedEarly { get; init; }

    /// <summary>Summarizes a run's history.</summary>
    public static ConvergenceMetrics From(IReadOnlyList<EpochMetrics> history, bool classification, double? target, bool diverged, bool stoppedEarly)
    {
        if (history.Count == 0) return new ConvergenceMetrics { Diverged = diverged, StoppedEarly = stoppedEarly };
        double? Score(EpochMetrics m) => classification ? m.TestAccuracy : m.TestRmse;
        var scored = history.Where(m => Score(m) is { } s && double.IsFinite(s)).ToList();
        EpochMetrics? best = scored.Count == 0 ? null
            : classification ? scored.MaxBy(m => Score(m)!.Value) : scored.MinBy(m => Score(m)!.Value);

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
            FinalTestScore = Score(history[^1]),
            BestTestScore = best is null ? null : Score(best),
            BestEpoch = best?.Epoch,
            EpochsToTarget = epochsToTarget,
            SecondsToTarget = secondsToTarget,
            AreaUnderValidationCurve = progress.Count == 0 ? null : progress.Average(),
            FinalTestYardstick = history[^1].TestYardstick,
            Epochs = history.Count,
            Diverged = diverged,
            StoppedEarly = stoppedEarly,
        };
    }
}

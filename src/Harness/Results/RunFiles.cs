using Harness.Metrics;
using Harness.Training;

namespace Harness.Results;

/// <summary>
/// A run's files as a whole: the summary a finished or failed run gets, and a finished run read back (for --resume
/// and for a tuning run another shard finished) from its summary.json and metrics.csv.
/// </summary>
public static class RunFiles
{
    /// <summary>True when the run finished (it has a summary.json that does not say it failed).</summary>
    public static bool IsFinished(ResultsLayout layout, string runId) => RunSummaryFile.IsFinished(layout.RunSummary(runId));

    /// <summary>True when the run failed (its summary.json says so).</summary>
    public static bool IsFailed(ResultsLayout layout, string runId) => RunSummaryFile.IsFailed(layout.RunSummary(runId));

    /// <summary>The summary of a finished run.</summary>
    public static FinishedRunSummary Summary(RunResult r, bool classification, bool selectByLoss)
    {
        var c = r.Convergence;
        var selected = c.SelectedEpoch is { } e ? r.History.FirstOrDefault(m => m.Epoch == e) : null;
        return new FinishedRunSummary
        {
            Run = r.Run.Id,
            Loss = r.Run.LossDisplayName,
            RegistryName = r.Run.LossName,
            Seed = r.Run.Seed,
            Phase = RunSummary.PhaseOf(r.Run.Tuning),
            LearningRate = r.Run.LearningRate,
            InitialWeightsHash = r.Run.InitialWeightsHash,
            Seconds = r.Seconds,
            Selection = SelectionRule.Describe(classification, selectByLoss),
            SelectedEpoch = c.SelectedEpoch,
            ValidationScoreAtSelectedEpoch = Finite(c.SelectedValidationScore),
            TestAtSelectedEpoch = selected is null ? null : TestMetrics(selected, classification),
            TestAtFinalEpoch = r.History.Count == 0 ? null : TestMetrics(r.History[^1], classification),
            EpochsToTarget = c.EpochsToTarget,
            SecondsToTarget = c.SecondsToTarget,
            AreaUnderValidationCurve = Finite(c.AreaUnderValidationCurve),
            TestRecallPerClass = r.TestRecallPerClass?.Select(x => Finite(x)).ToList(),
            Calibration = r.Calibration?.ToJson(),
            Epochs = c.Epochs,
            Diverged = c.Diverged,
            Divergence = r.DivergenceNote,
            StoppedEarly = c.StoppedEarly,
        };
    }

    /// <summary>The summary of a failed run.</summary>
    public static FailedRunSummary Failed(RunInfo run, string error) => new()
    {
        Run = run.Id, Loss = run.LossDisplayName, RegistryName = run.LossName, Seed = run.Seed, Phase = RunSummary.PhaseOf(run.Tuning),
        LearningRate = run.LearningRate, Error = error,
    };

    /// <summary>
    /// Reads a finished run back from its folder: the epochs from metrics.csv (exact) and what the summary alone knows
    /// (wall time, divergence, early stop, per-class recall, initial weights hash). Throws
    /// <see cref="ResultsFolderException"/> naming the run and the file when they are not what the harness writes.
    /// </summary>
    public static RunResult ReadFinished(ResultsLayout layout, RunInfo planned, bool classification, double? convergenceTarget, bool selectByLoss = false)
    {
        try
        {
            var history = MetricsFile.Read(layout.Metrics(planned.Id));
            var summaryPath = layout.RunSummary(planned.Id);
            if (RunSummaryFile.Read(summaryPath) is not FinishedRunSummary summary)
                throw new ResultsFolderException($"{summaryPath}: the run failed; it has no results to read back.");
            var hash = summary.InitialWeightsHash ?? throw new ResultsFolderException($"{summaryPath}: no 'initialWeightsHash'.");
            var seconds = summary.Seconds ?? throw new ResultsFolderException($"{summaryPath}: no 'seconds'.");
            var recall = summary.TestRecallPerClass?.Select(x => x ?? double.NaN).ToList();
            return new RunResult(planned with { InitialWeightsHash = hash }, history,
                ConvergenceMetrics.From(history, classification, convergenceTarget, summary.Diverged, summary.StoppedEarly, selectByLoss),
                seconds, summary.Divergence, recall);
        }
        catch (ResultsFolderException e)
        {
            throw new ResultsFolderException($"run '{planned.Id}' in '{layout.Folder}' has a summary.json but cannot be read back: {e.Message}", e);
        }
    }

    /// <summary>Every test metric of the task at one epoch, keyed as <c>rankBy</c> spells them.</summary>
    static Dictionary<string, double?> TestMetrics(EpochMetrics m, bool classification) =>
        ScoreMetric.For(classification).ToDictionary(x => x.Key, x => Finite(MetricsFile.Value(m, x.Column)));

    static double? Finite(double? v) => v is { } d && double.IsFinite(d) ? d : null;
}

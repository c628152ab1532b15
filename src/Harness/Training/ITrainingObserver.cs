using Harness.Metrics;

namespace Harness.Training;

/// <summary>Identifies one run (one loss, one seed) of a grid.</summary>
/// <param name="Id">Folder-safe id: "&lt;display name&gt;-seed&lt;k&gt;".</param>
/// <param name="LossDisplayName">The loss entry's display name.</param>
/// <param name="LossName">Registry name (built-ins prefixed "builtin:").</param>
/// <param name="Seed">The seed: initial weights, data order and dropout.</param>
/// <param name="Index">0-based position in the grid.</param>
/// <param name="Total">Runs in the grid.</param>
/// <param name="Epochs">Epochs configured.</param>
/// <param name="InitialWeightsHash">SHA-256 of the weights at step 0 (equal across losses of a seed with the same head).</param>
/// <param name="LearningRate">The run's learning rate (null: the config's, when not recorded).</param>
/// <param name="Tuning">A learning-rate tuning run (its seed is a tuning seed; only validation scores of it are used).</param>
public sealed record RunInfo(string Id, string LossDisplayName, string LossName, int Seed, int Index, int Total, int Epochs, string InitialWeightsHash,
    double? LearningRate = null, bool Tuning = false);

/// <summary>The outcome of one run.</summary>
/// <param name="Run">Which run.</param>
/// <param name="History">One entry per completed epoch.</param>
/// <param name="Convergence">Summary of the history.</param>
/// <param name="Seconds">Wall time of the run.</param>
/// <param name="DivergenceNote">Why the run diverged (null when it did not).</param>
/// <param name="TestRecallPerClass">Per-class recall on the test set after the last epoch (classification).</param>
public sealed record RunResult(RunInfo Run, IReadOnlyList<EpochMetrics> History, ConvergenceMetrics Convergence,
    double Seconds, string? DivergenceNote, IReadOnlyList<double>? TestRecallPerClass)
{
    /// <summary>Classification: the final model's test calibration (and temperature scaling); null otherwise, or when read back from a folder.</summary>
    public Metrics.Calibration.RunCalibration? Calibration { get; init; }
}

/// <summary>
/// Receives training events. The training loop knows nothing about files or consoles: CSV writers, summaries
/// and progress displays subscribe here. Every method has an empty default.
/// </summary>
public interface ITrainingObserver
{
    /// <summary>A run is about to take its first step.</summary>
    void RunStarted(RunInfo run) { }

    /// <summary>
    /// The run that just started continues from a checkpoint: <paramref name="history"/> holds the epochs it had
    /// completed, and training goes on from the next one. Called right after <see cref="RunStarted"/>.
    /// </summary>
    void RunResumed(RunInfo run, IReadOnlyList<EpochMetrics> history) { }

    /// <summary>A run found finished in the results folder (its summary.json exists); it is not trained again.</summary>
    void RunSkipped(RunResult finished) { }

    /// <summary>A training step finished (cheap: called for every batch).</summary>
    void BatchCompleted(RunInfo run, int epoch, int batch, int batches) { }

    /// <summary>An epoch finished and was evaluated.</summary>
    void EpochCompleted(RunInfo run, EpochMetrics metrics) { }

    /// <summary>A run finished (completed, stopped early, or diverged).</summary>
    void RunCompleted(RunResult result) { }

    /// <summary>A run failed with an exception (<paramref name="error"/> says what); the grid goes on without it.</summary>
    void RunFailed(RunInfo run, string error) { }
}

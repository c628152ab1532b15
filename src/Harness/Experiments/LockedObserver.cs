using Harness.Metrics;
using Harness.Training;

namespace Harness.Experiments;

/// <summary>
/// An observer that runs on several threads call at once (<see cref="RunSettings.Jobs"/> above 1): the sinks keep
/// per-run state in plain collections and write shared files (the grid summary), so each gets one call at a time. One
/// lock per observer, so that a sink writing a file does not hold up the progress display's per-batch calls.
/// </summary>
sealed class LockedObserver(ITrainingObserver inner) : ITrainingObserver
{
    readonly Lock gate = new();

    public void RunStarted(RunInfo run) { lock (gate) inner.RunStarted(run); }

    public void RunResumed(RunInfo run, IReadOnlyList<EpochMetrics> history) { lock (gate) inner.RunResumed(run, history); }

    public void RunSkipped(RunResult finished) { lock (gate) inner.RunSkipped(finished); }

    public void BatchCompleted(RunInfo run, int epoch, int batch, int batches) { lock (gate) inner.BatchCompleted(run, epoch, batch, batches); }

    public void EpochCompleted(RunInfo run, EpochMetrics metrics) { lock (gate) inner.EpochCompleted(run, metrics); }

    public void RunCompleted(RunResult result) { lock (gate) inner.RunCompleted(result); }

    public void RunFailed(RunInfo run, string error) { lock (gate) inner.RunFailed(run, error); }
}

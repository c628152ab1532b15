using System.Diagnostics;
using Harness.Metrics;
using Harness.Training;

/// <summary>
/// Observes a harness run and hands each epoch's metrics on with the wall time of the whole epoch cycle: from the end of
/// the previous epoch (or the run's start) to this epoch's end, so it also holds the other sinks' work and the previous
/// epoch's checkpoint. Must be the last observer; its own printing is not counted.
/// </summary>
sealed class EpochClock(Action<EpochMetrics, double> onEpoch) : ITrainingObserver
{
    long last;

    public void RunStarted(RunInfo run) => last = Stopwatch.GetTimestamp();

    public void EpochCompleted(RunInfo run, EpochMetrics metrics)
    {
        var cycle = Stopwatch.GetElapsedTime(last).TotalSeconds;
        onEpoch(metrics, cycle);
        last = Stopwatch.GetTimestamp();
    }
}

using Harness.Metrics;
using Harness.Training;

namespace Harness.Tests.Experiments;

/// <summary>Records what the trainer reports, for assertions.</summary>
internal sealed class GridRecorder : ITrainingObserver
{
    public List<RunInfo> Started { get; } = [];
    public Dictionary<string, List<EpochMetrics>> Epochs { get; } = [];
    public List<RunResult> Completed { get; } = [];

    public void RunStarted(RunInfo run)
    {
        Started.Add(run);
        Epochs[run.Id] = [];
    }

    public void EpochCompleted(RunInfo run, EpochMetrics metrics) => Epochs[run.Id].Add(metrics);

    public void RunCompleted(RunResult result) => Completed.Add(result);
}

using Harness.Config;
using Harness.Experiments;
using Harness.Metrics;
using Harness.Training;
using static TorchSharp.torch;

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

    /// <summary>
    /// Runs a whole grid on the CPU into a temporary results folder (deleted afterwards) and records it; each seed
    /// loads its own data, as `harness run` does; <paramref name="jobs"/> runs at once.
    /// </summary>
    public static GridRecorder Record(ExperimentConfig config, int jobs = 1)
    {
        var folder = Path.Combine(Path.GetTempPath(), config.Name + "-" + Guid.NewGuid().ToString("N"));
        try
        {
            var first = config.Tuning.LearningRates.Count > 0 ? config.Tuning.Seeds[0] : config.Seeds[0];
            using var data = new SeedData(config.Dataset, RepositoryPaths.Root, first);
            var plan = ExperimentPlan.Create(config, data.First);
            var settings = new RunSettings(folder, CPU, false, "test", Jobs: jobs);
            ExperimentRunner.PrepareFolder(settings, config, plan);
            var recorder = new GridRecorder();
            ExperimentRunner.Run(config, data, plan, settings, [recorder]);
            return recorder;
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, true);
        }
    }
}

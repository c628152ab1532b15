using System.Text.Json.Nodes;
using Harness.Config;
using Harness.Data;
using Harness.Experiments;
using Harness.Reporting;
using Harness.Sinks;
using Harness.Tests.Experiments;
using Harness.Training;
using Xunit;
using static TorchSharp.torch;

namespace Harness.Tests.Reliability;

/// <summary>
/// An exception inside one run (issue 17, item 4: a loss option that overflows float32 threw mid-run and killed the
/// grid) marks that run failed, the grid goes on, the report lists the cell as missing with the reason, and --resume
/// retries the failed run.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public class RunContainmentTests
{
    /// <summary>Throws what a loss threw for delta=1e300 ("cannot be converted to type float without overflow") in one run's second epoch.</summary>
    sealed class OverflowIn(string runId) : ITrainingObserver
    {
        public void EpochCompleted(RunInfo run, Metrics.EpochMetrics m)
        {
            if (run.Id == runId && m.Epoch == 2) throw new OverflowException("Value was either too large or too small for a Single.");
        }
    }

    static readonly ExperimentConfig Grid = new()
    {
        Name = "contain",
        Dataset = new DatasetConfig { Name = "digits", TrainLimit = 200 },
        Model = new ModelConfig { Kind = "mlp", Hidden = [8] },
        Training = new TrainingConfig { Epochs = 3, BatchSize = 32 },
        Seeds = [0, 1],
        Losses =
        [
            new LossEntryConfig { Loss = "cross-entropy", DisplayName = "CE" },
            new LossEntryConfig { Loss = "focal", DisplayName = "Focal" },
        ],
    };

    static (IReadOnlyList<RunResult> Results, RunSummaryWriter Summaries) RunGrid(
        PreparedData data, string folder, bool resume, params ITrainingObserver[] extra)
    {
        var config = ConfigValidator.Validate(Grid);
        var plan = ExperimentPlan.Create(config, data);
        var settings = new RunSettings(folder, CPU, false, "test", Resume: resume);
        ExperimentRunner.PrepareFolder(settings, config, plan);
        var summaries = new RunSummaryWriter(folder, classification: true);
        var results = ExperimentRunner.Run(config, data, plan, settings,
            [new MetricsCsvSink(new Harness.Results.ResultsLayout(folder)), summaries, .. extra]);
        return (results, summaries);
    }

    [Fact]
    public void A_failing_run_is_marked_failed_the_grid_goes_on_and_resume_retries_it()
    {
        var folder = Path.Combine(Path.GetTempPath(), "contain-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var data = DatasetLoader.Load(ConfigValidator.Validate(Grid).Dataset, RepositoryPaths.Root);
            var (results, summaries) = RunGrid(data, folder, resume: false, new OverflowIn("focal-seed0"));
            // Three runs finished, among them the two after the failed one.
            Assert.Equal(["ce-seed0", "ce-seed1", "focal-seed1"], results.Select(r => r.Run.Id).Order());
            var (failed, error) = Assert.Single(summaries.Failures);
            Assert.Equal("focal-seed0", failed.Id);
            Assert.Contains("too large or too small", error);
            var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "runs", "focal-seed0", "summary.json")))!;
            Assert.Equal("failed", (string?)summary["status"]);
            Assert.Contains("OverflowException", (string?)summary["error"]);

            // The report counts the cell as missing, with the reason.
            var report = ExperimentReport.Write(folder);
            var missing = Assert.Single(report.Analysis.Missing);
            Assert.Equal(("Focal", 0), (missing.Loss, missing.Seed));
            Assert.Contains("failed: OverflowException", missing.Reason);

            // --resume retries it (and keeps the finished runs).
            var (resumed, again) = RunGrid(data, folder, resume: true);
            Assert.Empty(again.Failures);
            Assert.Equal(4, resumed.Count);
            Assert.Null(JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "runs", "focal-seed0", "summary.json")))!["status"]);
            Assert.Equal(4, File.ReadAllLines(Path.Combine(folder, "runs", "focal-seed0", "metrics.csv")).Length);
            Assert.Empty(ExperimentReport.Write(folder).Analysis.Missing);
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, true);
        }
    }
}

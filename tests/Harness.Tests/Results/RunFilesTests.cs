using Harness.Metrics;
using Harness.Results;
using Harness.Training;
using Xunit;

namespace Harness.Tests.Results;

/// <summary>A run's files as --resume sees them: finished, failed, and read back.</summary>
public class RunFilesTests
{
    [Fact]
    public void The_layout_names_every_file_of_a_results_folder()
    {
        var l = new ResultsLayout("out");
        Assert.Equal(Path.Combine("out", "config.resolved.json"), l.ResolvedConfig);
        Assert.Equal(Path.Combine("out", "experiment.json"), l.ExperimentInfo);
        Assert.Equal(Path.Combine("out", ".harness-results"), l.Marker);
        Assert.Equal(Path.Combine("out", "summary.json"), l.GridSummaryJson);
        Assert.Equal(Path.Combine("out", "summary.csv"), l.GridSummaryCsv);
        Assert.Equal(Path.Combine("out", "runs", "ce-seed0", "summary.json"), l.RunSummary("ce-seed0"));
        Assert.Equal(Path.Combine("out", "runs", "tuning/ce-lr0.1-seed1", "metrics.csv"), l.Metrics("tuning/ce-lr0.1-seed1"));
        Assert.Equal(Path.Combine("out", "runs", "ce-seed0", "checkpoint"), l.CheckpointFolder("ce-seed0"));
        Assert.Equal(Path.Combine("out", "tensorboard", "ce-seed0"), l.TensorBoard("ce-seed0"));
        Assert.Equal(Path.Combine("out", "report.md"), l.ReportMarkdown);
        Assert.Equal(Path.Combine("out", "report.json"), l.ReportJson);
        Assert.Equal(Path.Combine("out", "plots", "a.svg"), l.Plot("a", "svg"));
        Assert.Equal("plots/a.png", ResultsLayout.PlotRelative("a", "png"));
    }

    static RunResult Result(RunInfo run)
    {
        EpochMetrics Epoch(int e) => new()
        {
            Epoch = e, TrainLoss = 1.0 / e, ValidationAccuracy = 0.5 + 0.1 * e, TestAccuracy = 0.4 + 0.1 * e, TestYardstick = 0.5, LearningRate = 0.01,
            MeanGradientNorm = 1, EpochSeconds = 0.25, SamplesPerSecond = 100, BatchOrderHash = "ab",
        };
        List<EpochMetrics> history = [Epoch(1), Epoch(2), Epoch(3)];
        return new RunResult(run, history, ConvergenceMetrics.From(history, true, 0.65, diverged: false, stoppedEarly: true), 1.5, null, [0.5, double.NaN]);
    }

    [Fact]
    public void A_finished_run_reads_back_as_it_was_written()
    {
        using var dir = new TempFolder();
        var layout = new ResultsLayout(dir.Path);
        var run = new RunInfo("ce-seed0", "CE", "cross-entropy", 0, 0, 1, 3, "hash", 0.01);
        var result = Result(run);
        Directory.CreateDirectory(layout.RunFolder(run.Id));
        MetricsFile.Write(layout.Metrics(run.Id), result.History);
        RunSummaryFile.Write(layout.RunSummary(run.Id), RunFiles.Summary(result, classification: true, selectByLoss: false));

        Assert.True(RunFiles.IsFinished(layout, run.Id));
        Assert.False(RunFiles.IsFailed(layout, run.Id));
        var read = RunFiles.ReadFinished(layout, run with { InitialWeightsHash = "" }, classification: true, convergenceTarget: 0.65);
        Assert.Equal(run, read.Run);
        Assert.Equal(result.History, read.History);
        Assert.Equal(result.Convergence, read.Convergence);
        Assert.Equal(result.Seconds, read.Seconds);
        Assert.Equal(result.TestRecallPerClass, read.TestRecallPerClass);
    }

    [Fact]
    public void A_failed_run_is_failed_and_not_finished()
    {
        using var dir = new TempFolder();
        var layout = new ResultsLayout(dir.Path);
        var run = new RunInfo("ce-seed0", "CE", "cross-entropy", 0, 0, 1, 3, "hash", 0.01);
        Directory.CreateDirectory(layout.RunFolder(run.Id));
        RunSummaryFile.Write(layout.RunSummary(run.Id), RunFiles.Failed(run, "ArithmeticException: overflow"));
        Assert.True(RunFiles.IsFailed(layout, run.Id));
        Assert.False(RunFiles.IsFinished(layout, run.Id));
        Assert.Equal("ArithmeticException: overflow", Assert.IsType<FailedRunSummary>(RunSummaryFile.Read(layout.RunSummary(run.Id))).Error);
    }

    [Theory]
    [InlineData("summary.json")]
    [InlineData("metrics.csv")]
    public void A_damaged_file_of_a_finished_run_names_the_run_and_the_file(string damaged)
    {
        using var dir = new TempFolder();
        var layout = new ResultsLayout(dir.Path);
        var run = new RunInfo("ce-seed0", "CE", "cross-entropy", 0, 0, 1, 3, "hash", 0.01);
        var result = Result(run);
        Directory.CreateDirectory(layout.RunFolder(run.Id));
        MetricsFile.Write(layout.Metrics(run.Id), result.History);
        RunSummaryFile.Write(layout.RunSummary(run.Id), RunFiles.Summary(result, classification: true, selectByLoss: false));
        var path = Path.Combine(layout.RunFolder(run.Id), damaged);
        File.WriteAllText(path, File.ReadAllText(path)[..40]);

        var e = Assert.Throws<ResultsFolderException>(() => RunFiles.ReadFinished(layout, run, classification: true, convergenceTarget: null));
        Assert.StartsWith($"run 'ce-seed0' in '{dir.Path}' has a summary.json but cannot be read back: {path}:", e.Message);
    }
}

using System.Text.Json.Nodes;
using Harness.Results;
using Xunit;

namespace Harness.Tests.Results;

/// <summary>runs/&lt;id&gt;/summary.json: its one writer and one reader.</summary>
public class RunSummaryFileTests
{
    internal static FinishedRunSummary Finished() => new()
    {
        Run = "ce-seed0", Loss = "CE, \"quoted\"", RegistryName = "cross-entropy", Seed = 3, Phase = "evaluation", LearningRate = 0.003,
        InitialWeightsHash = "abc123", Seconds = 12.345, Selection = "validation accuracy", SelectedEpoch = 4,
        ValidationScoreAtSelectedEpoch = 0.9791666666666666,
        TestAtSelectedEpoch = new Dictionary<string, double?> { ["accuracy"] = 0.97, ["balanced-accuracy"] = 1.0 / 3, ["nll"] = null },
        TestAtFinalEpoch = new Dictionary<string, double?> { ["accuracy"] = 0.96, ["balanced-accuracy"] = 0.95, ["nll"] = 0.12 },
        EpochsToTarget = 2, SecondsToTarget = 0.039, AreaUnderValidationCurve = 0.9754629629629628, TestRecallPerClass = [1, null, 0.9714285714285714],
        Calibration = new JsonObject { ["before"] = new JsonObject { ["nll"] = 0.1, ["samples"] = 359 }, ["temperature"] = 1.5 },
        Epochs = 5, Diverged = true, Divergence = "train loss became NaN in epoch 5", StoppedEarly = true,
    };

    /// <summary>Records hold dictionaries, lists and a JSON object, which record equality compares by reference.</summary>
    internal static void AssertSame(RunSummary expected, RunSummary actual)
    {
        Assert.Equal(expected.GetType(), actual.GetType());
        if (expected is FinishedRunSummary e && actual is FinishedRunSummary a)
        {
            Assert.True(JsonNode.DeepEquals(e.Calibration, a.Calibration), $"calibration {a.Calibration?.ToJsonString()}");
            Assert.Equal(e.TestRecallPerClass, a.TestRecallPerClass);
            Assert.Equal(e.TestAtSelectedEpoch?.ToList(), a.TestAtSelectedEpoch?.ToList());
            Assert.Equal(e.TestAtFinalEpoch?.ToList(), a.TestAtFinalEpoch?.ToList());
            Assert.Equal(e with { Calibration = null, TestRecallPerClass = null, TestAtSelectedEpoch = null, TestAtFinalEpoch = null },
                a with { Calibration = null, TestRecallPerClass = null, TestAtSelectedEpoch = null, TestAtFinalEpoch = null });
        }
        else Assert.Equal(expected, actual);
    }

    [Fact]
    public void A_finished_summary_round_trips()
    {
        using var dir = new TempFolder();
        var path = Path.Combine(dir.Path, "summary.json");
        var summary = Finished();
        RunSummaryFile.Write(path, summary);
        AssertSame(summary, RunSummaryFile.Read(path));
        Assert.True(RunSummaryFile.IsFinished(path));
        Assert.False(RunSummaryFile.IsFailed(path));
        Assert.DoesNotContain("\"status\"", File.ReadAllText(path));
    }

    [Fact]
    public void Times_are_written_to_the_millisecond()
    {
        using var dir = new TempFolder();
        var path = Path.Combine(dir.Path, "summary.json");
        RunSummaryFile.Write(path, Finished() with { Seconds = 1.23456, SecondsToTarget = 0.0004 });
        var read = Assert.IsType<FinishedRunSummary>(RunSummaryFile.Read(path));
        Assert.Equal(1.235, read.Seconds);
        Assert.Equal(0.0, read.SecondsToTarget);
    }

    [Fact]
    public void A_failed_summary_round_trips_and_says_failed()
    {
        using var dir = new TempFolder();
        var path = Path.Combine(dir.Path, "summary.json");
        var failed = new FailedRunSummary
        {
            Run = "tuning/ce-lr0.01-seed7", Loss = "CE", RegistryName = "builtin:cross_entropy", Seed = 7, Phase = "tuning", LearningRate = 0.01,
            Error = "ExternalException: boom",
        };
        RunSummaryFile.Write(path, failed);
        AssertSame(failed, RunSummaryFile.Read(path));
        Assert.Equal("failed", JsonNode.Parse(File.ReadAllText(path))!["status"]!.GetValue<string>());
        Assert.True(RunSummaryFile.IsFailed(path));
        Assert.False(RunSummaryFile.IsFinished(path));
        Assert.False(RunSummaryFile.IsFinished(Path.Combine(dir.Path, "absent.json")));
    }

    [Fact]
    public void The_committed_summaries_are_written_back_byte_for_byte()
    {
        // results/quickstart was written by this version's writer: the reader must lose nothing the writer wrote.
        var layout = new ResultsLayout(Path.Combine(RepositoryPaths.Root, "results", "quickstart"));
        var files = Directory.GetFiles(layout.RunsFolder, ResultsLayout.SummaryFileName, SearchOption.AllDirectories);
        Assert.NotEmpty(files);
        using var dir = new TempFolder();
        foreach (var file in files)
        {
            var copy = Path.Combine(dir.Path, "summary.json");
            RunSummaryFile.Write(copy, RunSummaryFile.Read(file));
            Assert.Equal(File.ReadAllText(file), File.ReadAllText(copy));
        }
    }

    [Theory]
    [InlineData("{ \"run\": ", "not valid JSON")]
    [InlineData("[1, 2]", "expected a JSON object")]
    [InlineData("{ \"seconds\": \"soon\" }", "expected a number at '$.seconds'")]
    [InlineData("{ \"seed\": 1.5 }", "expected a whole number at '$.seed'")]
    public void A_damaged_summary_is_one_error_naming_the_file(string text, string why)
    {
        using var dir = new TempFolder();
        var path = Path.Combine(dir.Path, "summary.json");
        File.WriteAllText(path, text);
        var e = Assert.Throws<ResultsFolderException>(() => RunSummaryFile.Read(path));
        Assert.StartsWith(path + ": ", e.Message);
        Assert.Contains(why, e.Message);
        // Neither finished nor failed: --resume reads it back, and that read reports the damage.
        Assert.False(RunSummaryFile.IsFailed(path));
        Assert.True(RunSummaryFile.IsFinished(path));
    }
}

/// <summary>A temporary folder, deleted at the end.</summary>
internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "results-" + Guid.NewGuid().ToString("N"));

    public TempFolder() => Directory.CreateDirectory(Path);

    public void Dispose()
    {
        if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
    }
}

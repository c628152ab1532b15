using Harness.Results;
using Xunit;

namespace Harness.Tests.Results;

/// <summary>The grid's summary.json and summary.csv: one writer, one reader.</summary>
public class GridSummaryFileTests
{
    [Fact]
    public void The_grid_summary_round_trips()
    {
        using var dir = new TempFolder();
        var layout = new ResultsLayout(dir.Path);
        var first = RunSummaryFileTests.Finished();
        var second = first with
        {
            Run = "mse-seed0",
            Loss = "MSE",
            Seed = 0,
            Diverged = false,
            Divergence = null,
            TestRecallPerClass = null,
            Calibration = null,
        };
        var summary = new GridSummary([first, second], ["accuracy", "balanced-accuracy", "nll"]);
        GridSummaryFile.Write(layout, summary);
        var read = GridSummaryFile.Read(layout);
        Assert.Equal(summary.MetricKeys, read.MetricKeys);
        Assert.Equal(2, read.Runs.Count);
        RunSummaryFileTests.AssertSame(first, read.Runs[0]);
        RunSummaryFileTests.AssertSame(second, read.Runs[1]);
    }

    [Fact]
    public void The_csv_has_a_row_per_run_with_unrounded_times_and_quoted_names()
    {
        using var dir = new TempFolder();
        var layout = new ResultsLayout(dir.Path);
        var run = RunSummaryFileTests.Finished() with { Seconds = 1.23456 };
        GridSummaryFile.Write(layout, new GridSummary([run], ["accuracy", "balanced-accuracy", "nll"]));
        var lines = File.ReadAllLines(layout.GridSummaryCsv);
        Assert.Equal("run,loss,seed,phase,learning_rate,selected_epoch,validation_score_at_selected_epoch," +
                     "test_accuracy_at_selected_epoch,test_accuracy_at_final_epoch," +
                     "test_balanced_accuracy_at_selected_epoch,test_balanced_accuracy_at_final_epoch," +
                     "test_nll_at_selected_epoch,test_nll_at_final_epoch,epochs_to_target,seconds_to_target,area_under_validation_curve," +
                     "epochs,diverged,seconds,initial_weights_hash",
            lines[0]);
        Assert.Equal("ce-seed0,\"CE, \"\"quoted\"\"\",3,evaluation,0.003,4,0.9791666666666666,0.97,0.96,0.3333333333333333,0.95,,0.12,2,0.039," +
                     "0.9754629629629628,5,true,1.23456,abc123",
            lines[1]);
        Assert.Equal(2, lines.Length);
        Assert.Contains("\"seconds\": 1.235", File.ReadAllText(layout.GridSummaryJson));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    public void Summary_json_from_the_runs_texts_is_the_array_serialized_whole(int runs)
    {
        // The grid summary is assembled from each run's own summary.json text; it must be the file that serializing
        // the whole array gives, byte for byte (nested objects and arrays, strings with escaped line breaks).
        using var dir = new TempFolder();
        var layout = new ResultsLayout(dir.Path);
        var summaries = Enumerable.Range(0, runs)
            .Select(i => RunSummaryFileTests.Finished() with { Run = $"ce-seed{i}", Seed = i, Divergence = "line one\nline \"two\"\r\n" })
            .ToList();
        GridSummaryFile.Write(layout, new GridSummary(summaries, ["accuracy"]));
        var whole = new System.Text.Json.Nodes.JsonArray(summaries.Select(r => (System.Text.Json.Nodes.JsonNode?)RunSummaryFile.ToJson(r)).ToArray())
            .ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
        Assert.Equal(whole, File.ReadAllText(layout.GridSummaryJson));
    }

    [Fact]
    public void A_damaged_grid_summary_names_the_file()
    {
        using var dir = new TempFolder();
        var layout = new ResultsLayout(dir.Path);
        File.WriteAllText(layout.GridSummaryJson, "{ \"run\": 1 }");
        File.WriteAllText(layout.GridSummaryCsv, "run,loss\n");
        var e = Assert.Throws<ResultsFolderException>(() => GridSummaryFile.Read(layout));
        Assert.StartsWith(layout.GridSummaryJson + ": ", e.Message);
    }
}

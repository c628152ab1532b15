using Harness.Metrics;
using Harness.Sinks;
using Harness.Training;
using Xunit;

namespace Harness.Tests.Sinks;

/// <summary>metrics.csv as the sink writes it and as a resumed grid reads it back.</summary>
public class MetricsCsvSinkTests
{
    [Fact]
    public void Every_column_round_trips_exactly_timings_included()
    {
        var folder = Path.Combine(Path.GetTempPath(), "metrics-csv-" + Guid.NewGuid().ToString("N"));
        try
        {
            var run = new RunInfo("ce-seed0", "ce", "cross-entropy", 0, 0, 1, 2, "hash");
            Directory.CreateDirectory(Path.Combine(folder, run.Id));
            EpochMetrics Epoch(int e) => new()
            {
                Epoch = e, TrainLoss = 0.1 / e, TrainAccuracy = 0.9, ValidationAccuracy = 0.8, TestAccuracy = 0.7, TestBalancedAccuracy = 0.65,
                TestMacroF1 = 0.6, TestYardstick = 1.0 / 3, LearningRate = 1e-3, MeanGradientNorm = Math.PI, EpochSeconds = 1.25 * e,
                SamplesPerSecond = 48_000.5, ComputeSeconds = 0.1 + 0.7 * e, DataSeconds = 0.01 * e, EvaluationSeconds = 0.2 / 3, BatchOrderHash = "00ff00ff00ff00ff",
            };
            var sink = new MetricsCsvSink(folder);
            sink.RunStarted(run);
            sink.EpochCompleted(run, Epoch(1));
            sink.EpochCompleted(run, Epoch(2));
            var text = File.ReadAllText(Path.Combine(folder, run.Id, "metrics.csv"));

            Assert.Equal([Epoch(1), Epoch(2)], MetricsCsvSink.Parse(text));
            Assert.All(MetricsCsvSink.TimingColumns, c => Assert.Contains(c, MetricsCsvSink.Columns));
            Assert.DoesNotContain("1.25", UntimedMetricsCsv.Of(text));
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, true);
        }
    }

    [Fact]
    public void Rows_after_the_first_are_appended_and_a_removed_file_is_written_whole_again()
    {
        var folder = Path.Combine(Path.GetTempPath(), "metrics-csv-" + Guid.NewGuid().ToString("N"));
        try
        {
            var run = new RunInfo("ce-seed0", "ce", "cross-entropy", 0, 0, 1, 4, "hash");
            var path = Path.Combine(folder, run.Id, "metrics.csv");
            EpochMetrics Epoch(int e) => new() { Epoch = e, TrainLoss = 1.0 / e, TestYardstick = 0.5, LearningRate = 1e-3, MeanGradientNorm = 1, EpochSeconds = 1, SamplesPerSecond = 1, BatchOrderHash = "ab" };
            var sink = new MetricsCsvSink(folder);
            sink.RunStarted(run);
            sink.EpochCompleted(run, Epoch(1));
            // A marker only an append keeps (a rewrite through a temporary file would drop it).
            File.AppendAllText(path, "marker\n");
            sink.EpochCompleted(run, Epoch(2));
            var lines = File.ReadAllLines(path);
            Assert.Equal(4, lines.Length);
            Assert.Equal(string.Join(",", MetricsCsvSink.Columns), lines[0]);
            Assert.Equal("marker", lines[2]);
            Assert.StartsWith("2,", lines[3]);

            File.Delete(path);
            sink.EpochCompleted(run, Epoch(3));
            Assert.Equal([Epoch(1), Epoch(2), Epoch(3)], MetricsCsvSink.Parse(File.ReadAllText(path)));
            sink.EpochCompleted(run, Epoch(4));
            Assert.Equal([Epoch(1), Epoch(2), Epoch(3), Epoch(4)], MetricsCsvSink.Parse(File.ReadAllText(path)));
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, true);
        }
    }
}

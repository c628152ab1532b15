using Harness.Metrics;
using Harness.Results;
using Harness.Sinks;
using Harness.Tests.Sinks;
using Harness.Training;
using Xunit;

namespace Harness.Tests.Results;

/// <summary>metrics.csv as the sink writes it (through <see cref="MetricsFile"/>) and as a resumed grid and the report read it back.</summary>
public class MetricsFileTests
{
    [Fact]
    public void Every_column_round_trips_exactly_timings_included()
    {
        var folder = Path.Combine(Path.GetTempPath(), "metrics-csv-" + Guid.NewGuid().ToString("N"));
        try
        {
            var run = new RunInfo("ce-seed0", "ce", "cross-entropy", 0, 0, 1, 2, "hash");
            var layout = new ResultsLayout(folder);
            Directory.CreateDirectory(layout.RunFolder(run.Id));
            EpochMetrics Epoch(int e) => new()
            {
                Epoch = e, TrainLoss = 0.1 / e, TrainAccuracy = 0.9, ValidationAccuracy = 0.8, TestAccuracy = 0.7, TestBalancedAccuracy = 0.65,
                TestMacroF1 = 0.6, TestYardstick = 1.0 / 3, LearningRate = 1e-3, MeanGradientNorm = Math.PI, EpochSeconds = 1.25 * e,
                SamplesPerSecond = 48_000.5, ComputeSeconds = 0.1 + 0.7 * e, DataSeconds = 0.01 * e, EvaluationSeconds = 0.2 / 3,
                BatchOrderHash = "00ff00ff00ff00ff",
            };
            var sink = new MetricsCsvSink(layout);
            sink.RunStarted(run);
            sink.EpochCompleted(run, Epoch(1));
            sink.EpochCompleted(run, Epoch(2));
            var text = File.ReadAllText(layout.Metrics(run.Id));

            Assert.Equal([Epoch(1), Epoch(2)], MetricsFile.Read(layout.Metrics(run.Id)));
            Assert.All(MetricsFile.TimingColumns, c => Assert.Contains(c, MetricsFile.Columns));
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
            var layout = new ResultsLayout(folder);
            var path = layout.Metrics(run.Id);
            EpochMetrics Epoch(int e) => new()
            {
                Epoch = e, TrainLoss = 1.0 / e, TestYardstick = 0.5, LearningRate = 1e-3, MeanGradientNorm = 1, EpochSeconds = 1, SamplesPerSecond = 1,
                BatchOrderHash = "ab",
            };
            var sink = new MetricsCsvSink(layout);
            sink.RunStarted(run);
            sink.EpochCompleted(run, Epoch(1));
            // A marker only an append keeps (a rewrite through a temporary file would drop it).
            File.AppendAllText(path, "marker\n");
            sink.EpochCompleted(run, Epoch(2));
            var lines = File.ReadAllLines(path);
            Assert.Equal(4, lines.Length);
            Assert.Equal(string.Join(",", MetricsFile.Columns), lines[0]);
            Assert.Equal("marker", lines[2]);
            Assert.StartsWith("2,", lines[3]);

            File.Delete(path);
            sink.EpochCompleted(run, Epoch(3));
            Assert.Equal([Epoch(1), Epoch(2), Epoch(3)], MetricsFile.Read(path));
            sink.EpochCompleted(run, Epoch(4));
            Assert.Equal([Epoch(1), Epoch(2), Epoch(3), Epoch(4)], MetricsFile.Read(path));
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, true);
        }
    }

    static EpochMetrics Full(int e) => new()
    {
        Epoch = e, TrainLoss = 0.1 / e, TrainAccuracy = 0.9, ValidationAccuracy = null, TestAccuracy = 0.7, TestBalancedAccuracy = 0.65,
        TestMacroF1 = 0.6, ValidationRmse = 1.5, TestRmse = 2.5, TestMae = 0.5, TestR2 = -0.25, ValidationYardstick = double.NaN,
        TestYardstick = 1.0 / 3, TestBrier = 0.01, TestEce = 0.02, TestAdaptiveEce = 0.03, TestClasswiseEce = 0.04, LearningRate = 1e-3,
        MeanGradientNorm = double.PositiveInfinity, EpochSeconds = 1.25 * e, SamplesPerSecond = 48_000.5, ComputeSeconds = 0.7 * e,
        DataSeconds = 0.01 * e, EvaluationSeconds = 0.2 / 3, BatchOrderHash = "00ff00ff00ff00ff",
    };

    [Fact]
    public void Written_rows_read_back_equal_every_column_included()
    {
        using var dir = new TempFolder();
        var path = new ResultsLayout(dir.Path).Metrics("ce-seed0");
        EpochMetrics[] rows = [Full(1), Full(2), Full(3)];
        MetricsFile.Write(path, rows.Take(2));
        MetricsFile.Append(path, rows[2]);
        Assert.Equal(rows, MetricsFile.Read(path));
        Assert.Equal(MetricsFile.Header, File.ReadLines(path).First());
        // A header-only file (a run that diverged in its first epoch) has no epochs.
        MetricsFile.Write(path, []);
        Assert.Empty(MetricsFile.Read(path));
    }

    [Fact]
    public void A_file_from_before_the_calibration_and_timing_columns_reads_with_them_empty()
    {
        using var dir = new TempFolder();
        var path = Path.Combine(dir.Path, "metrics.csv");
        File.WriteAllText(path, "epoch,train_loss,train_accuracy,validation_accuracy,test_accuracy,test_balanced_accuracy,test_macro_f1," +
                                "validation_rmse,test_rmse,test_mae,test_r2,validation_yardstick,test_yardstick,learning_rate,mean_gradient_norm," +
                                "epoch_seconds,samples_per_second,batch_order_hash\n" +
                                "1,0.5,0.8,0.7,0.75,0.74,0.73,,,,,0.6,0.65,0.001,2.5,1.5,1000,abcd\n");
        var row = Assert.Single(MetricsFile.Read(path));
        Assert.Equal(new EpochMetrics
        {
            Epoch = 1, TrainLoss = 0.5, TrainAccuracy = 0.8, ValidationAccuracy = 0.7, TestAccuracy = 0.75, TestBalancedAccuracy = 0.74, TestMacroF1 = 0.73,
            ValidationYardstick = 0.6, TestYardstick = 0.65, LearningRate = 0.001, MeanGradientNorm = 2.5, EpochSeconds = 1.5, SamplesPerSecond = 1000,
            BatchOrderHash = "abcd",
        }, row);
        Assert.Equal(0.75, MetricsFile.Value(row, "test_accuracy"));
        Assert.Null(MetricsFile.Value(row, "test_brier"));
    }

    [Theory]
    [InlineData("", 1, "empty file")]
    [InlineData("epoch,train_loss\n1,0.5\n", 1, "the header has no 'test_yardstick' column")]
    [InlineData("@HEADER\n1,0.5\n", 2, "2 fields where the header has 25")]
    [InlineData("@HEADER\n@ROW1\n@ROW1\n", 3, "epoch 1 does not follow epoch 1")]
    [InlineData("@HEADER\n@ROW1x\n", 2, "column 'train_loss' is not a number: '0.1x'")]
    [InlineData("@HEADER\n@ROW1e\n", 2, "column 'learning_rate' is empty")]
    [InlineData("@HEADER\n@ROW0\n", 2, "column 'epoch' must be a whole number >= 1, not '0'")]
    public void A_damaged_file_is_one_error_naming_the_file_and_line(string text, int line, string why)
    {
        using var dir = new TempFolder();
        var path = Path.Combine(dir.Path, "metrics.csv");
        var row1 = MetricsFile.Row(Full(1));
        var cells = row1.Split(',');
        var learningRate = Array.IndexOf(MetricsFile.Columns, "learning_rate");
        File.WriteAllText(path, text.Replace("@HEADER", MetricsFile.Header).Replace("@ROW1x", "1,0.1x" + row1[row1.IndexOf(',', 2)..])
            .Replace("@ROW1e", string.Join(",", cells.Select((c, i) => i == learningRate ? "" : c)))
            .Replace("@ROW1", row1).Replace("@ROW0", "0" + row1[1..]));
        var e = Assert.Throws<ResultsFolderException>(() => MetricsFile.Read(path));
        Assert.StartsWith($"{path}:{line}: ", e.Message);
        Assert.Contains(why, e.Message);
    }
}

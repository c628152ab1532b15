using System.Globalization;
using System.Text;
using Harness.Metrics;
using Harness.Output;
using Harness.Training;

namespace Harness.Sinks;

/// <summary>
/// Writes <c>runs/&lt;id&gt;/metrics.csv</c>, one row per epoch, rewritten atomically after every epoch so a
/// killed process leaves a complete file. Every field is a number or a hex hash, so no quoting is needed and
/// a CSV library would add nothing.
/// </summary>
public sealed class MetricsCsvSink(string runsFolder) : ITrainingObserver
{
    /// <summary>Column names, in order.</summary>
    public static readonly string[] Columns =
    [
        "epoch", "train_loss", "train_accuracy", "validation_accuracy", "test_accuracy", "test_balanced_accuracy", "test_macro_f1",
        "validation_rmse", "test_rmse", "test_mae", "test_r2", "validation_yardstick", "test_yardstick",
        "learning_rate", "mean_gradient_norm", "epoch_seconds", "samples_per_second", "compute_seconds", "data_seconds",
        "evaluation_seconds", "batch_order_hash",
    ];

    /// <summary>Columns that measure time and so differ between otherwise identical runs.</summary>
    public static readonly string[] TimingColumns = ["epoch_seconds", "samples_per_second", "compute_seconds", "data_seconds", "evaluation_seconds"];

    readonly Dictionary<string, StringBuilder> files = new();

    /// <inheritdoc />
    public void RunStarted(RunInfo run) => files[run.Id] = new StringBuilder(string.Join(",", Columns) + "\n");

    /// <inheritdoc />
    public void RunResumed(RunInfo run, IReadOnlyList<EpochMetrics> history)
    {
        // The file continues from the checkpoint's rows: a row written after the checkpoint (the process died between
        // the two) is dropped here and written again when its epoch is trained again.
        var text = files[run.Id];
        foreach (var m in history) text.Append(Row(m)).Append('\n');
        AtomicFile.WriteAllText(Path.Combine(runsFolder, run.Id, "metrics.csv"), text.ToString());
    }

    /// <inheritdoc />
    public void EpochCompleted(RunInfo run, EpochMetrics m)
    {
        var text = files[run.Id];
        text.Append(Row(m)).Append('\n');
        AtomicFile.WriteAllText(Path.Combine(runsFolder, run.Id, "metrics.csv"), text.ToString());
    }

    static string Row(EpochMetrics m) => string.Join(",", new[]
    {
        m.Epoch.ToString(CultureInfo.InvariantCulture), F(m.TrainLoss), F(m.TrainAccuracy), F(m.ValidationAccuracy), F(m.TestAccuracy),
        F(m.TestBalancedAccuracy), F(m.TestMacroF1), F(m.ValidationRmse), F(m.TestRmse), F(m.TestMae), F(m.TestR2),
        F(m.ValidationYardstick), F(m.TestYardstick), F(m.LearningRate), F(m.MeanGradientNorm), F(m.EpochSeconds),
        F(m.SamplesPerSecond), F(m.ComputeSeconds), F(m.DataSeconds), F(m.EvaluationSeconds), m.BatchOrderHash,
    });

    /// <summary>
    /// Reads a metrics.csv this sink wrote back into its epochs, exactly (numbers are written round-trip). Throws
    /// <see cref="InvalidDataException"/> when the text is not such a file.
    /// </summary>
    public static List<EpochMetrics> Parse(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length == 0 || lines[0].TrimEnd('\r') != string.Join(",", Columns))
            throw new InvalidDataException("the header is not this version's metrics.csv header");
        var result = new List<EpochMetrics>();
        foreach (var line in lines.Skip(1))
        {
            var c = line.TrimEnd('\r').Split(',');
            if (c.Length != Columns.Length) throw new InvalidDataException($"a row has {c.Length} fields, not {Columns.Length}");
            double? N(int i) => c[i].Length == 0 ? null
                : double.TryParse(c[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v
                : throw new InvalidDataException($"'{c[i]}' in column {Columns[i]} is not a number");
            double R(int i) => N(i) ?? throw new InvalidDataException($"column {Columns[i]} is empty");
            result.Add(new EpochMetrics
            {
                Epoch = (int)R(0), TrainLoss = R(1), TrainAccuracy = N(2), ValidationAccuracy = N(3), TestAccuracy = N(4),
                TestBalancedAccuracy = N(5), TestMacroF1 = N(6), ValidationRmse = N(7), TestRmse = N(8), TestMae = N(9), TestR2 = N(10),
                ValidationYardstick = N(11), TestYardstick = R(12), LearningRate = R(13), MeanGradientNorm = R(14), EpochSeconds = R(15),
                SamplesPerSecond = R(16), ComputeSeconds = R(17), DataSeconds = R(18),
                EvaluationSeconds = R(19), BatchOrderHash = c[20],
            });
        }
        return result;
    }

    /// <inheritdoc />
    public void RunCompleted(RunResult result)
    {
        // A run that diverged in its first epoch still gets its (header-only) file.
        if (result.History.Count == 0)
            AtomicFile.WriteAllText(Path.Combine(runsFolder, result.Run.Id, "metrics.csv"), files[result.Run.Id].ToString());
        files.Remove(result.Run.Id);
    }

    /// <summary>Round-trip formatting; empty for not applicable.</summary>
    static string F(double? v) => v is { } d ? d.ToString("R", CultureInfo.InvariantCulture) : "";
}

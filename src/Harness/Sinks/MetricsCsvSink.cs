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
        "learning_rate", "mean_gradient_norm", "epoch_seconds", "samples_per_second", "batch_order_hash",
    ];

    /// <summary>Columns that measure time and so differ between otherwise identical runs.</summary>
    public static readonly string[] TimingColumns = ["epoch_seconds", "samples_per_second"];

    readonly Dictionary<string, StringBuilder> files = new();

    /// <inheritdoc />
    public void RunStarted(RunInfo run) => files[run.Id] = new StringBuilder(string.Join(",", Columns) + "\n");

    /// <inheritdoc />
    public void EpochCompleted(RunInfo run, EpochMetrics m)
    {
        var text = files[run.Id];
        text.AppendLine(string.Join(",", new[]
        {
            m.Epoch.ToString(CultureInfo.InvariantCulture), F(m.TrainLoss), F(m.TrainAccuracy), F(m.ValidationAccuracy), F(m.TestAccuracy),
            F(m.TestBalancedAccuracy), F(m.TestMacroF1), F(m.ValidationRmse), F(m.TestRmse), F(m.TestMae), F(m.TestR2),
            F(m.ValidationYardstick), F(m.TestYardstick), F(m.LearningRate), F(m.MeanGradientNorm), F(m.EpochSeconds),
            F(m.SamplesPerSecond), m.BatchOrderHash,
        }));
        AtomicFile.WriteAllText(Path.Combine(runsFolder, run.Id, "metrics.csv"), text.ToString());
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

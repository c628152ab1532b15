using System.Globalization;
using Harness.Metrics;
using Harness.Training;

namespace Harness.Sinks;

/// <summary>Plain log lines for redirected output (CI logs, files): one line per epoch and per run.</summary>
public sealed class PlainLogSink(TextWriter writer, bool classification) : ITrainingObserver
{
    /// <inheritdoc />
    public void RunStarted(RunInfo run) => writer.WriteLine($"run {run.Index + 1}/{run.Total}: {run.Id}");

    /// <inheritdoc />
    public void RunResumed(RunInfo run, IReadOnlyList<EpochMetrics> history) =>
        writer.WriteLine($"  {run.Id} resumed from its checkpoint after epoch {history.Count}/{run.Epochs}");

    /// <inheritdoc />
    public void RunSkipped(RunResult finished) =>
        writer.WriteLine($"run {finished.Run.Index + 1}/{finished.Run.Total}: {finished.Run.Id} already finished (summary.json exists), not retrained");

    /// <inheritdoc />
    public void EpochCompleted(RunInfo run, EpochMetrics m)
    {
        var score = classification
            ? $"val_acc {Format(m.ValidationAccuracy)} test_acc {Format(m.TestAccuracy)}"
            : $"val_rmse {Format(m.ValidationRmse)} test_rmse {Format(m.TestRmse)}";
        writer.WriteLine(FormattableString.Invariant($"  {run.Id} epoch {m.Epoch}/{run.Epochs} loss {m.TrainLoss:0.00000} {score} ({m.EpochSeconds:0.00} s, {m.SamplesPerSecond:0} samples/s)"));
    }

    /// <inheritdoc />
    public void RunFailed(RunInfo run, string error) => writer.WriteLine($"  {run.Id}: FAILED: {error}");

    /// <inheritdoc />
    public void RunCompleted(RunResult r) =>
        writer.WriteLine(r.DivergenceNote is { } note ? $"  {r.Run.Id} DIVERGED: {note}" : FormattableString.Invariant($"  {r.Run.Id} done in {r.Seconds:0.0} s"));

    static string Format(double? v) => v is { } d ? d.ToString("0.0000", CultureInfo.InvariantCulture) : "-";
}

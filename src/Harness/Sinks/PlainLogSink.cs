using System.Globalization;
using Harness.Metrics;
using Harness.Training;

namespace Harness.Sinks;

/// <summary>
/// Plain log lines for redirected output (CI logs, files). Verbose: a line per run and per epoch. Normal: only what needs
/// attention (a divergence, a resumed run); the runner's phase lines and the summary say the rest. Quiet: nothing.
/// </summary>
public sealed class PlainLogSink(TextWriter writer, bool classification, Verbosity verbosity = Verbosity.Verbose) : ITrainingObserver
{
    bool Verbose => verbosity == Verbosity.Verbose;

    /// <inheritdoc />
    public void RunStarted(RunInfo run)
    {
        if (Verbose) writer.WriteLine($"run {run.Index + 1}/{run.Total}: {run.Id}");
    }

    /// <inheritdoc />
    public void RunResumed(RunInfo run, IReadOnlyList<EpochMetrics> history)
    {
        if (verbosity != Verbosity.Quiet) writer.WriteLine($"  {run.Id} resumed from its checkpoint after epoch {history.Count}/{run.Epochs}");
    }

    /// <inheritdoc />
    public void RunSkipped(RunResult finished)
    {
        if (Verbose) writer.WriteLine(
            $"run {finished.Run.Index + 1}/{finished.Run.Total}: {finished.Run.Id} already finished (summary.json exists), not retrained");
    }

    /// <inheritdoc />
    public void EpochCompleted(RunInfo run, EpochMetrics m)
    {
        if (!Verbose) return;
        var score = classification
            ? $"val_acc {Format(m.ValidationAccuracy)} test_acc {Format(m.TestAccuracy)}"
            : $"val_rmse {Format(m.ValidationRmse)} test_rmse {Format(m.TestRmse)}";
        writer.WriteLine(FormattableString.Invariant(
            $"  {run.Id} epoch {m.Epoch}/{run.Epochs} loss {m.TrainLoss:0.00000} {score} ({m.EpochSeconds:0.00} s, {m.SamplesPerSecond:0} samples/s)"));
    }

    /// <inheritdoc />
    public void RunFailed(RunInfo run, string error)
    {
        if (verbosity != Verbosity.Quiet) writer.WriteLine($"  {run.Id}: FAILED: {error}");
    }

    /// <inheritdoc />
    public void RunCompleted(RunResult r)
    {
        if (r.DivergenceNote is { } note && verbosity != Verbosity.Quiet) writer.WriteLine($"  {r.Run.Id} DIVERGED: {note}");
        else if (Verbose) writer.WriteLine(FormattableString.Invariant($"  {r.Run.Id} done in {r.Seconds:0.0} s"));
    }

    static string Format(double? v) => v is { } d ? d.ToString("0.0000", CultureInfo.InvariantCulture) : "-";
}

using System.Globalization;
using Harness.Metrics;
using Harness.Training;
using Spectre.Console;

namespace Harness.Sinks;

/// <summary>
/// Live progress on a terminal (Spectre.Console): one bar for the grid and one for the current run, with
/// epoch, loss, accuracy and ETA.
/// </summary>
public sealed class ConsoleProgressSink(ProgressContext context, int totalRuns, int epochs, bool classification) : ITrainingObserver
{
    readonly ProgressTask grid = context.AddTask("grid", maxValue: totalRuns * (double)epochs);
    ProgressTask? current;
    string lastMetrics = "";

    /// <inheritdoc />
    public void RunStarted(RunInfo run)
    {
        current?.StopTask();
        current = context.AddTask(Markup.Escape($"{run.Id} ({run.Index + 1}/{run.Total})"), maxValue: epochs);
        lastMetrics = "";
    }

    /// <inheritdoc />
    public void RunResumed(RunInfo run, IReadOnlyList<EpochMetrics> history)
    {
        if (current == null) return;
        current.Value = history.Count;
        current.Description = Markup.Escape($"{run.Id} ({run.Index + 1}/{run.Total}) resumed after epoch {history.Count}");
        grid.Value = run.Index * (double)epochs + current.Value;
    }

    /// <inheritdoc />
    public void RunSkipped(RunResult finished) => grid.Value = (finished.Run.Index + 1) * (double)epochs;

    /// <inheritdoc />
    public void BatchCompleted(RunInfo run, int epoch, int batch, int batches)
    {
        if (current == null) return;
        current.Value = epoch - 1 + (double)batch / batches;
        grid.Value = run.Index * (double)epochs + current.Value;
    }

    /// <inheritdoc />
    public void EpochCompleted(RunInfo run, EpochMetrics m)
    {
        var score = classification
            ? $"acc {m.TestAccuracy?.ToString("0.0000", CultureInfo.InvariantCulture)}"
            : $"rmse {m.TestRmse?.ToString("0.000", CultureInfo.InvariantCulture)}";
        lastMetrics = $"epoch {m.Epoch}/{epochs} loss {m.TrainLoss.ToString("0.0000", CultureInfo.InvariantCulture)} {score}";
        if (current != null) current.Description = Markup.Escape($"{run.Id} ({run.Index + 1}/{run.Total}) {lastMetrics}");
    }

    /// <inheritdoc />
    public void RunFailed(RunInfo run, string error)
    {
        current?.StopTask();
        grid.Value = (run.Index + 1) * (double)epochs;
    }

    /// <inheritdoc />
    public void RunCompleted(RunResult result)
    {
        if (current != null)
        {
            current.Value = epochs;
            current.StopTask();
        }
        grid.Value = (result.Run.Index + 1) * (double)epochs;
    }
}

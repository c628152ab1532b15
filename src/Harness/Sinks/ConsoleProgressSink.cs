using System.Globalization;
using Harness.Metrics;
using Harness.Training;
using Spectre.Console;

namespace Harness.Sinks;

/// <summary>
/// Live progress on a terminal (Spectre.Console): one bar for the grid and one for the current run, with labelled
/// epoch, training loss and test score, in columns that keep their width as run names change.
/// </summary>
/// <param name="context">Spectre's progress context.</param>
/// <param name="totalRuns">Runs in this process's grid.</param>
/// <param name="epochs">Epochs per run.</param>
/// <param name="classification">Show test accuracy (else test RMSE).</param>
/// <param name="idWidth">The longest run id of the grid: every description pads to it, so the bars do not shift.</param>
public sealed class ConsoleProgressSink(ProgressContext context, int totalRuns, int epochs, bool classification, int idWidth = 0) : ITrainingObserver
{
    readonly ProgressTask grid = context.AddTask("grid", maxValue: totalRuns * (double)epochs);
    ProgressTask? current;
    string lastMetrics = "";

    /// <inheritdoc />
    public void RunStarted(RunInfo run)
    {
        current?.StopTask();
        current = context.AddTask(Markup.Escape(Label(run)), maxValue: epochs);
        lastMetrics = "";
    }

    /// <inheritdoc />
    public void RunResumed(RunInfo run, IReadOnlyList<EpochMetrics> history)
    {
        if (current == null) return;
        current.Value = history.Count;
        current.Description = Markup.Escape($"{Label(run)} resumed after epoch {history.Count}");
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
            ? $"test acc {m.TestAccuracy?.ToString("0.0000", CultureInfo.InvariantCulture) ?? "-",6}"
            : $"test RMSE {m.TestRmse?.ToString("0.000", CultureInfo.InvariantCulture) ?? "-",8}";
        var width = epochs.ToString(CultureInfo.InvariantCulture).Length;
        lastMetrics = $"epoch {m.Epoch.ToString(CultureInfo.InvariantCulture).PadLeft(width)}/{epochs}  loss " +
                      $"{m.TrainLoss.ToString("0.0000", CultureInfo.InvariantCulture),9}  {score}";
        if (current != null) current.Description = Markup.Escape($"{Label(run)}  {lastMetrics}");
    }

    string Label(RunInfo run)
    {
        var width = run.Total.ToString(CultureInfo.InvariantCulture).Length;
        return $"{run.Id.PadRight(idWidth)} {(run.Index + 1).ToString(CultureInfo.InvariantCulture).PadLeft(width)}/{run.Total}";
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

using System.Globalization;
using Harness.Metrics;
using Harness.Training;
using Spectre.Console;

namespace Harness.Sinks;

/// <summary>
/// Live progress on a terminal (Spectre.Console): one bar for the grid and one for each run in training (several with
/// --jobs), with labelled epoch, training loss and test score, in columns that keep their width as run names change.
/// </summary>
/// <param name="context">Spectre's progress context.</param>
/// <param name="totalRuns">Runs in this process's grid.</param>
/// <param name="epochs">Epochs per run.</param>
/// <param name="classification">Show test accuracy (else test RMSE).</param>
/// <param name="idWidth">The longest run id of the grid: every description pads to it, so the bars do not shift.</param>
public sealed class ConsoleProgressSink(ProgressContext context, int totalRuns, int epochs, bool classification, int idWidth = 0) : ITrainingObserver
{
    readonly ProgressTask grid = context.AddTask("grid", maxValue: totalRuns * (double)epochs);
    readonly Dictionary<string, ProgressTask> running = [];
    int ended;

    /// <inheritdoc />
    public void RunStarted(RunInfo run) => running[run.Id] = context.AddTask(Markup.Escape(Label(run)), maxValue: epochs);

    /// <inheritdoc />
    public void RunResumed(RunInfo run, IReadOnlyList<EpochMetrics> history)
    {
        if (!running.TryGetValue(run.Id, out var task)) return;
        task.Value = history.Count;
        task.Description = Markup.Escape($"{Label(run)} resumed after epoch {history.Count}");
        UpdateGrid();
    }

    /// <inheritdoc />
    public void RunSkipped(RunResult finished) => End(finished.Run);

    /// <inheritdoc />
    public void BatchCompleted(RunInfo run, int epoch, int batch, int batches)
    {
        if (!running.TryGetValue(run.Id, out var task)) return;
        task.Value = epoch - 1 + (double)batch / batches;
        UpdateGrid();
    }

    /// <inheritdoc />
    public void EpochCompleted(RunInfo run, EpochMetrics m)
    {
        var score = classification
            ? $"test acc {m.TestAccuracy?.ToString("0.0000", CultureInfo.InvariantCulture) ?? "-",6}"
            : $"test RMSE {m.TestRmse?.ToString("0.000", CultureInfo.InvariantCulture) ?? "-",8}";
        var width = epochs.ToString(CultureInfo.InvariantCulture).Length;
        var metrics = $"epoch {m.Epoch.ToString(CultureInfo.InvariantCulture).PadLeft(width)}/{epochs}  loss " +
                      $"{m.TrainLoss.ToString("0.0000", CultureInfo.InvariantCulture),9}  {score}";
        if (running.TryGetValue(run.Id, out var task)) task.Description = Markup.Escape($"{Label(run)}  {metrics}");
    }

    string Label(RunInfo run)
    {
        var width = run.Total.ToString(CultureInfo.InvariantCulture).Length;
        return $"{run.Id.PadRight(idWidth)} {(run.Index + 1).ToString(CultureInfo.InvariantCulture).PadLeft(width)}/{run.Total}";
    }

    /// <inheritdoc />
    public void RunFailed(RunInfo run, string error) => End(run);

    /// <inheritdoc />
    public void RunCompleted(RunResult result) => End(result.Run);

    void End(RunInfo run)
    {
        if (running.Remove(run.Id, out var task))
        {
            task.Value = epochs;
            task.StopTask();
        }
        ended++;
        UpdateGrid();
    }

    /// <summary>Ended runs count whole; runs in training by how far they are.</summary>
    void UpdateGrid() => grid.Value = ended * (double)epochs + running.Values.Sum(t => t.Value);
}

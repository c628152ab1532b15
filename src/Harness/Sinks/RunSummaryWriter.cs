using Harness.Metrics;
using Harness.Results;
using Harness.Training;

namespace Harness.Sinks;

/// <summary>
/// Writes each run's <c>summary.json</c> when it finishes (or fails), and the grid's <c>summary.csv</c> /
/// <c>summary.json</c> (one row per run) after every run, so a partial grid is summarized too. A shard writes only its
/// runs' files and no summary.csv / summary.json: a sharded grid's summary is <c>harness report</c>'s report.json and
/// report.md, which it writes from every shard's run files. The files' formats are <see cref="RunSummaryFile"/>'s and
/// <see cref="GridSummaryFile"/>'s.
/// </summary>
public sealed class RunSummaryWriter(string experimentFolder, bool classification, bool writeGridSummary = true, bool selectByLoss = false) : ITrainingObserver
{
    readonly ResultsLayout layout = new(experimentFolder);
    readonly List<RunResult> results = [];
    readonly List<(RunInfo Run, string Error)> failures = [];

    /// <summary>The runs finished so far.</summary>
    public IReadOnlyList<RunResult> Results => results;

    /// <summary>The runs that failed, with their errors.</summary>
    public IReadOnlyList<(RunInfo Run, string Error)> Failures => failures;

    /// <summary>
    /// A failed run's summary.json: <c>"status": "failed"</c> and the error, so that the report lists the cell as missing
    /// with the reason and --resume retries the run. Finished runs' summaries carry no status.
    /// </summary>
    public void RunFailed(RunInfo run, string error)
    {
        failures.Add((run, error));
        RunSummaryFile.Write(layout.RunSummary(run.Id), RunFiles.Failed(run, error));
    }

    /// <inheritdoc />
    public void RunCompleted(RunResult result)
    {
        results.Add(result);
        RunSummaryFile.Write(layout.RunSummary(result.Run.Id), RunFiles.Summary(result, classification, selectByLoss));
        WriteGridSummary();
    }

    /// <inheritdoc />
    public void RunSkipped(RunResult finished)
    {
        // Its summary.json stays as it is; the grid summary lists it with the runs trained now.
        results.Add(finished);
        WriteGridSummary();
    }

    void WriteGridSummary()
    {
        if (!writeGridSummary) return;
        // In grid order, not finishing order: runs that train at once (--jobs) finish in any order.
        GridSummaryFile.Write(layout, new GridSummary(results.OrderBy(r => r.Run.Index).Select(r => RunFiles.Summary(r, classification, selectByLoss)).ToList(),
            ScoreMetric.For(classification).Select(m => m.Key).ToList()));
    }
}

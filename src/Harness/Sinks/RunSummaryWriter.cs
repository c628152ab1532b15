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

    /// <summary>
    /// The grid summary's rows in grid order (not finishing order: runs that train at once, with --jobs, finish in any
    /// order), each with its text in the grid's summary.json, made once per run.
    /// </summary>
    readonly List<(int Index, FinishedRunSummary Summary, string Json)> rows = [];

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
        var summary = RunFiles.Summary(result, classification, selectByLoss);
        var json = RunSummaryFile.Serialize(summary);
        RunSummaryFile.WriteText(layout.RunSummary(result.Run.Id), json);
        WriteGridSummary(result.Run.Index, summary, json);
    }

    /// <inheritdoc />
    public void RunSkipped(RunResult finished)
    {
        // Its summary.json stays as it is; the grid summary lists it with the runs trained now.
        results.Add(finished);
        if (!writeGridSummary) return;   // a shard: nothing of the run to serialize again
        var summary = RunFiles.Summary(finished, classification, selectByLoss);
        WriteGridSummary(finished.Run.Index, summary, RunSummaryFile.Serialize(summary));
    }

    void WriteGridSummary(int index, FinishedRunSummary summary, string json)
    {
        if (!writeGridSummary) return;
        // After the rows of lower or equal index, as a stable sort by index would place it.
        int at = rows.Count;
        while (at > 0 && rows[at - 1].Index > index) at--;
        rows.Insert(at, (index, summary, GridSummaryFile.Element(json)));
        GridSummaryFile.Write(layout, new GridSummary(rows.Select(r => r.Summary).ToList(), ScoreMetric.For(classification).Select(m => m.Key).ToList()),
            rows.Select(r => r.Json).ToList());
    }
}

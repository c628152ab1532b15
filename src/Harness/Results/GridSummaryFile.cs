using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Harness.Output;

namespace Harness.Results;

/// <summary>The grid's summary: every finished run so far, and the test metrics (keys as rankBy spells them) its CSV has columns for.</summary>
/// <param name="Runs">The finished runs, in the order they finished (or were read back).</param>
/// <param name="MetricKeys">The task's test metrics, in column order.</param>
public sealed record GridSummary(IReadOnlyList<FinishedRunSummary> Runs, IReadOnlyList<string> MetricKeys);

/// <summary>
/// The grid's <c>summary.json</c> (the list of the runs' summaries) and <c>summary.csv</c> (one row per run, the
/// numbers unrounded): the one writer, and the one reader (the runs from summary.json, the metrics from summary.csv's
/// header). harness report does not read them (they may be stale, or absent when shards were merged).
/// </summary>
public static class GridSummaryFile
{
    /// <summary>Writes both files atomically into the layout's folder.</summary>
    public static void Write(ResultsLayout layout, GridSummary summary) =>
        Write(layout, summary, summary.Runs.Select(r => Element(RunSummaryFile.Serialize(r))).ToList());

    /// <summary>A run's summary.json text (<see cref="RunSummaryFile.Serialize"/>) as an element of the grid's summary.json.</summary>
    public static string Element(string serializedRun) => ResultsJson.ArrayElement(serializedRun);

    /// <summary>
    /// Writes both files atomically, summary.json from the runs' texts as <see cref="Element"/> gave them (in the order
    /// of <see cref="GridSummary.Runs"/>): the grid's summary is rewritten after every run, and serializing every run
    /// again each time made it quadratic in the grid's size.
    /// </summary>
    public static void Write(ResultsLayout layout, GridSummary summary, IReadOnlyList<string> serializedRuns)
    {
        if (serializedRuns.Count != summary.Runs.Count)
            throw new ArgumentException($"{serializedRuns.Count} serialized runs for {summary.Runs.Count} runs.", nameof(serializedRuns));
        AtomicFile.WriteAllText(layout.GridSummaryJson, ResultsJson.IndentedArray(serializedRuns));
        AtomicFile.WriteAllText(layout.GridSummaryCsv, Csv(summary));
    }

    /// <summary>Reads both files back; throws <see cref="ResultsFolderException"/> naming the file that is not one.</summary>
    public static GridSummary Read(ResultsLayout layout)
    {
        var path = layout.GridSummaryJson;
        var array = ResultsJson.ReadArray(path, "a JSON array of run summaries");
        var runs = ResultsJson.Typed(path, () => array.Select(n => n is JsonObject o && RunSummaryFile.FromJson(o) is FinishedRunSummary f
            ? f : throw new FormatException($"expected a finished run's summary at '{n?.GetPath() ?? "$"}'")).ToList());

        var csv = layout.GridSummaryCsv;
        string header;
        try { header = File.ReadLines(csv).FirstOrDefault() ?? ""; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ResultsFolderException($"{csv}: cannot be read: {e.Message}", e);
        }
        if (!header.StartsWith("run,", StringComparison.Ordinal))
            throw new ResultsFolderException($"{csv}:1: expected a header starting with 'run,', found '{header}'.");
        var keys = header.Split(',').Where(c => c.StartsWith("test_", StringComparison.Ordinal) && c.EndsWith(SelectedSuffix, StringComparison.Ordinal))
            .Select(c => c["test_".Length..^SelectedSuffix.Length].Replace('_', '-')).ToList();
        return new GridSummary(runs, keys);
    }

    const string SelectedSuffix = "_at_selected_epoch";

    static string Csv(GridSummary summary)
    {
        var columns = new List<string> { "run", "loss", "seed", "phase", "learning_rate", "selected_epoch", "validation_score_at_selected_epoch" };
        foreach (var key in summary.MetricKeys)
            columns.AddRange([$"test_{Snake(key)}{SelectedSuffix}", $"test_{Snake(key)}_at_final_epoch"]);
        columns.AddRange(["epochs_to_target", "seconds_to_target", "area_under_validation_curve", "epochs", "diverged", "seconds", "initial_weights_hash"]);
        var sb = new StringBuilder(string.Join(",", columns) + "\n");
        foreach (var r in summary.Runs)
        {
            var cells = new List<string>
            {
                Quote(r.Run ?? ""), Quote(r.Loss ?? ""), I(r.Seed), r.Phase ?? "", F(r.LearningRate), I(r.SelectedEpoch), F(r.ValidationScoreAtSelectedEpoch),
            };
            foreach (var key in summary.MetricKeys)
                cells.AddRange([F(r.TestAtSelectedEpoch?.GetValueOrDefault(key)), F(r.TestAtFinalEpoch?.GetValueOrDefault(key))]);
            cells.AddRange([I(r.EpochsToTarget), F(r.SecondsToTarget), F(r.AreaUnderValidationCurve), I(r.Epochs),
                r.Diverged ? "true" : "false", F(r.Seconds), r.InitialWeightsHash ?? ""]);
            sb.AppendLine(string.Join(",", cells));
        }
        return sb.ToString();
    }

    static string F(double? v) => v is { } d && double.IsFinite(d) ? d.ToString("R", CultureInfo.InvariantCulture) : "";

    static string I(int? v) => v?.ToString(CultureInfo.InvariantCulture) ?? "";

    static string Snake(string key) => key.Replace('-', '_');

    /// <summary>Display names are free text: quote them as RFC 4180 does.</summary>
    static string Quote(string s) => s.IndexOfAny([',', '"', '\n']) < 0 ? s : "\"" + s.Replace("\"", "\"\"") + "\"";
}

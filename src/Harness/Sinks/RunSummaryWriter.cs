using System.Globalization;
using System.Text;
using System.Text.Json;
using Harness.Metrics;
using Harness.Output;
using Harness.Training;

namespace Harness.Sinks;

/// <summary>
/// Writes each run's <c>summary.json</c> when it finishes, and the grid's <c>summary.csv</c> / <c>summary.json</c>
/// (one row per run) after every run, so a partial grid is summarized too. A shard writes only its runs' files and no
/// summary.csv / summary.json: a sharded grid's summary is <c>harness report</c>'s report.json and report.md, which it
/// writes from every shard's run files.
/// </summary>
public sealed class RunSummaryWriter(string experimentFolder, bool classification, bool writeGridSummary = true, bool selectByLoss = false) : ITrainingObserver
{
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
        AtomicFile.WriteAllText(Path.Combine(experimentFolder, "runs", run.Id, "summary.json"), JsonSerializer.Serialize(new
        {
            run = run.Id,
            loss = run.LossDisplayName,
            registryName = run.LossName,
            seed = run.Seed,
            phase = run.Tuning ? "tuning" : "evaluation",
            learningRate = run.LearningRate,
            status = FailedStatus,
            error,
        }, Json));
    }

    /// <summary>The <c>status</c> of a failed run's summary.json.</summary>
    public const string FailedStatus = "failed";

    /// <summary>True when the run in <paramref name="runFolder"/> finished (it has a summary.json that does not say it failed).</summary>
    public static bool IsFinished(string runFolder) => File.Exists(Path.Combine(runFolder, "summary.json")) && !IsFailed(runFolder);

    /// <summary>True when the run in <paramref name="runFolder"/> failed (its summary.json says so).</summary>
    public static bool IsFailed(string runFolder)
    {
        var path = Path.Combine(runFolder, "summary.json");
        if (!File.Exists(path)) return false;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("status", out var status)
                && status.ValueKind == JsonValueKind.String && status.GetString() == FailedStatus;
        }
        catch (JsonException)
        {
            return false; // damaged: reading it back reports that
        }
    }

    static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <inheritdoc />
    public void RunCompleted(RunResult result)
    {
        results.Add(result);
        AtomicFile.WriteAllText(Path.Combine(experimentFolder, "runs", result.Run.Id, "summary.json"),
            JsonSerializer.Serialize(Summary(result), Json));
        WriteGridSummary();
    }

    /// <inheritdoc />
    public void RunSkipped(RunResult finished)
    {
        // Its summary.json stays as it is; the grid summary lists it with the runs trained now.
        results.Add(finished);
        WriteGridSummary();
    }

    /// <summary>
    /// Reads a finished run (one with a summary.json) back from its folder: the epochs from metrics.csv (exact) and
    /// what the summary alone knows (wall time, divergence, early stop, per-class recall, initial weights hash).
    /// Throws <see cref="InvalidDataException"/> when the files are not what this writer and the CSV sink write.
    /// </summary>
    public static RunResult ReadFinished(string experimentFolder, RunInfo planned, bool classification, double? convergenceTarget, bool selectByLoss = false)
    {
        var folder = Path.Combine(experimentFolder, "runs", planned.Id);
        try
        {
            var history = MetricsCsvSink.Parse(File.ReadAllText(Path.Combine(folder, "metrics.csv")));
            using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "summary.json")));
            var root = summary.RootElement;
            var run = planned with { InitialWeightsHash = root.GetProperty("initialWeightsHash").GetString() ?? "" };
            var divergence = root.TryGetProperty("divergence", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
            var diverged = root.GetProperty("diverged").GetBoolean();
            var stoppedEarly = root.GetProperty("stoppedEarly").GetBoolean();
            IReadOnlyList<double>? recall = root.TryGetProperty("testRecallPerClassAtFinalEpoch", out var r) && r.ValueKind == JsonValueKind.Array
                ? r.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.Number ? x.GetDouble() : double.NaN).ToList()
                : null;
            return new RunResult(run, history, ConvergenceMetrics.From(history, classification, convergenceTarget, diverged, stoppedEarly, selectByLoss),
                root.GetProperty("seconds").GetDouble(), divergence, recall);
        }
        catch (Exception e) when (e is IOException or JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"run '{planned.Id}' in '{experimentFolder}' has a summary.json but cannot be read back: {e.Message}", e);
        }
    }

    void WriteGridSummary()
    {
        if (!writeGridSummary) return;
        AtomicFile.WriteAllText(Path.Combine(experimentFolder, "summary.json"),
            JsonSerializer.Serialize(results.Select(Summary), Json));
        AtomicFile.WriteAllText(Path.Combine(experimentFolder, "summary.csv"), Csv());
    }

    object Summary(RunResult r)
    {
        var c = r.Convergence;
        var selected = c.SelectedEpoch is { } e ? r.History.FirstOrDefault(m => m.Epoch == e) : null;
        return new
        {
            run = r.Run.Id,
            loss = r.Run.LossDisplayName,
            registryName = r.Run.LossName,
            seed = r.Run.Seed,
            phase = r.Run.Tuning ? "tuning" : "evaluation",
            learningRate = r.Run.LearningRate,
            initialWeightsHash = r.Run.InitialWeightsHash,
            seconds = Math.Round(r.Seconds, 3),
            selection = SelectionRule.Describe(classification, selectByLoss),
            selectedEpoch = c.SelectedEpoch,
            validationScoreAtSelectedEpoch = Finite(c.SelectedValidationScore),
            testAtSelectedEpoch = selected is null ? null : TestMetrics(selected),
            testAtFinalEpoch = r.History.Count == 0 ? null : TestMetrics(r.History[^1]),
            epochsToTarget = c.EpochsToTarget,
            secondsToTarget = c.SecondsToTarget is { } s ? Math.Round(s, 3) : (double?)null,
            areaUnderValidationCurve = Finite(c.AreaUnderValidationCurve),
            testRecallPerClassAtFinalEpoch = r.TestRecallPerClass?.Select(x => Finite(x)),
            calibration = r.Calibration?.ToJson(),
            epochs = c.Epochs,
            diverged = c.Diverged,
            divergence = r.DivergenceNote,
            stoppedEarly = c.StoppedEarly,
        };
    }

    /// <summary>Every test metric of the task at one epoch, keyed as <c>rankBy</c> spells them.</summary>
    Dictionary<string, double?> TestMetrics(EpochMetrics m) =>
        ScoreMetric.For(classification).ToDictionary(x => x.Key, x => Finite(MetricsCsvSink.Value(m, x.Column)));

    static double? Finite(double? v) => v is { } d && double.IsFinite(d) ? d : null;

    string Csv()
    {
        var metrics = ScoreMetric.For(classification);
        var columns = new List<string> { "run", "loss", "seed", "phase", "learning_rate", "selected_epoch", "validation_score_at_selected_epoch" };
        foreach (var m in metrics)
            columns.AddRange([$"test_{Snake(m.Key)}_at_selected_epoch", $"test_{Snake(m.Key)}_at_final_epoch"]);
        columns.AddRange(["epochs_to_target", "seconds_to_target", "area_under_validation_curve", "epochs", "diverged", "seconds", "initial_weights_hash"]);
        var sb = new StringBuilder(string.Join(",", columns) + "\n");
        static string F(double? v) => v is { } d && double.IsFinite(d) ? d.ToString("R", CultureInfo.InvariantCulture) : "";
        foreach (var r in results)
        {
            var c = r.Convergence;
            var selected = c.SelectedEpoch is { } e ? r.History.FirstOrDefault(x => x.Epoch == e) : null;
            var final = r.History.Count == 0 ? null : r.History[^1];
            var cells = new List<string>
            {
                Quote(r.Run.Id), Quote(r.Run.LossDisplayName), r.Run.Seed.ToString(CultureInfo.InvariantCulture), r.Run.Tuning ? "tuning" : "evaluation",
                F(r.Run.LearningRate), c.SelectedEpoch?.ToString(CultureInfo.InvariantCulture) ?? "", F(c.SelectedValidationScore),
            };
            foreach (var m in metrics)
                cells.AddRange([F(selected is null ? null : MetricsCsvSink.Value(selected, m.Column)), F(final is null ? null : MetricsCsvSink.Value(final, m.Column))]);
            cells.AddRange([c.EpochsToTarget?.ToString(CultureInfo.InvariantCulture) ?? "", F(c.SecondsToTarget), F(c.AreaUnderValidationCurve),
                c.Epochs.ToString(CultureInfo.InvariantCulture), c.Diverged ? "true" : "false", F(r.Seconds), r.Run.InitialWeightsHash]);
            sb.AppendLine(string.Join(",", cells));
        }
        return sb.ToString();
    }

    static string Snake(string key) => key.Replace('-', '_');

    /// <summary>Display names are free text: quote them as RFC 4180 does.</summary>
    static string Quote(string s) => s.IndexOfAny([',', '"', '\n']) < 0 ? s : "\"" + s.Replace("\"", "\"\"") + "\"";
}

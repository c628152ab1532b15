using System.Text.Json.Nodes;
using Harness.Output;
using static Harness.Results.ResultsJson;

namespace Harness.Results;

/// <summary>What every run's summary.json says, finished or failed. Fields older files lack read as null.</summary>
public abstract record RunSummary
{
    /// <summary>The run id (runs/&lt;id&gt;).</summary>
    public string? Run { get; init; }
    /// <summary>The loss's display name.</summary>
    public string? Loss { get; init; }
    /// <summary>The loss's registry name (builtin: prefix included).</summary>
    public string? RegistryName { get; init; }
    /// <summary>The run's seed.</summary>
    public int? Seed { get; init; }
    /// <summary>"tuning" or "evaluation".</summary>
    public string? Phase { get; init; }
    /// <summary>The run's learning rate.</summary>
    public double? LearningRate { get; init; }

    /// <summary>The <c>phase</c> of a run.</summary>
    public static string PhaseOf(bool tuning) => tuning ? "tuning" : "evaluation";
}

/// <summary>A finished run's summary.json (numbers that were not finite are null). Times are rounded to milliseconds when written.</summary>
public sealed record FinishedRunSummary : RunSummary
{
    /// <summary>Hash of the initial weights (equal across the losses of a seed with one head size).</summary>
    public string? InitialWeightsHash { get; init; }
    /// <summary>Wall time of the run.</summary>
    public double? Seconds { get; init; }
    /// <summary>What selected the epoch, e.g. "validation accuracy".</summary>
    public string? Selection { get; init; }
    /// <summary>The epoch validation selected (null without a validation split).</summary>
    public int? SelectedEpoch { get; init; }
    /// <summary>The validation value at the selected epoch.</summary>
    public double? ValidationScoreAtSelectedEpoch { get; init; }
    /// <summary>Every test metric at the selected epoch, keyed as rankBy spells them.</summary>
    public IReadOnlyDictionary<string, double?>? TestAtSelectedEpoch { get; init; }
    /// <summary>Every test metric at the final epoch.</summary>
    public IReadOnlyDictionary<string, double?>? TestAtFinalEpoch { get; init; }
    /// <summary>First epoch that reached the convergence target.</summary>
    public int? EpochsToTarget { get; init; }
    /// <summary>Training seconds to that epoch.</summary>
    public double? SecondsToTarget { get; init; }
    /// <summary>Area under the validation curve.</summary>
    public double? AreaUnderValidationCurve { get; init; }
    /// <summary>Test recall of each class at the final epoch (classification; <c>testRecallPerClassAtFinalEpoch</c>).</summary>
    public IReadOnlyList<double?>? TestRecallPerClass { get; init; }
    /// <summary>Calibration of the final model (classification), as the run wrote it.</summary>
    public JsonObject? Calibration { get; init; }
    /// <summary>Epochs completed.</summary>
    public int? Epochs { get; init; }
    /// <summary>The run diverged.</summary>
    public bool Diverged { get; init; }
    /// <summary>Why it diverged.</summary>
    public string? Divergence { get; init; }
    /// <summary>Early stopping ended the run.</summary>
    public bool StoppedEarly { get; init; }
}

/// <summary>A failed run's summary.json: <c>"status": "failed"</c> and the error; --resume retries the run.</summary>
public sealed record FailedRunSummary : RunSummary
{
    /// <summary>The <c>status</c> of a failed run's summary.json.</summary>
    public const string FailedStatus = "failed";

    /// <summary>What failed the run (null when the file records none).</summary>
    public string? Error { get; init; }
}

/// <summary>
/// <c>runs/&lt;id&gt;/summary.json</c>: the one writer and the one reader of a run's summary, finished or failed (a
/// finished run's carries no status). The grid's summary.json is a list of the finished ones (<see cref="GridSummaryFile"/>).
/// </summary>
public static class RunSummaryFile
{
    /// <summary>Writes a summary atomically.</summary>
    public static void Write(string path, RunSummary summary) => WriteText(path, Serialize(summary));

    /// <summary>The file's text of a summary (what <see cref="Write"/> writes).</summary>
    public static string Serialize(RunSummary summary) => ResultsJson.Serialize(ToJson(summary));

    /// <summary>Writes a summary's text (from <see cref="Serialize"/>) atomically.</summary>
    public static void WriteText(string path, string serialized) => AtomicFile.WriteAllText(path, serialized);

    /// <summary>Reads a summary; throws <see cref="ResultsFolderException"/> naming the file when it is not one.</summary>
    public static RunSummary Read(string path)
    {
        var node = ReadObject(path);
        return Typed(path, () => FromJson(node));
    }

    /// <summary>True when <paramref name="path"/> holds the summary of a run that finished (not one that failed).</summary>
    public static bool IsFinished(string path) => File.Exists(path) && !IsFailed(path);

    /// <summary>True when <paramref name="path"/> holds a failed run's summary. A damaged file is not failed: reading it reports the damage.</summary>
    public static bool IsFailed(string path)
    {
        if (!File.Exists(path)) return false;
        try { return Read(path) is FailedRunSummary; }
        catch (ResultsFolderException) { return false; }
    }

    /// <summary>The JSON object of a summary, fields in the file's order.</summary>
    internal static JsonObject ToJson(RunSummary s)
    {
        var o = new JsonObject
        {
            ["run"] = Node(s.Run), ["loss"] = Node(s.Loss), ["registryName"] = Node(s.RegistryName), ["seed"] = Node(s.Seed),
            ["phase"] = Node(s.Phase), ["learningRate"] = Node(s.LearningRate),
        };
        switch (s)
        {
            case FailedRunSummary f:
                o["status"] = FailedRunSummary.FailedStatus;
                o["error"] = Node(f.Error);
                break;
            case FinishedRunSummary r:
                o["initialWeightsHash"] = Node(r.InitialWeightsHash);
                o["seconds"] = Node(Milliseconds(r.Seconds));
                o["selection"] = Node(r.Selection);
                o["selectedEpoch"] = Node(r.SelectedEpoch);
                o["validationScoreAtSelectedEpoch"] = Node(r.ValidationScoreAtSelectedEpoch);
                o["testAtSelectedEpoch"] = Metrics(r.TestAtSelectedEpoch);
                o["testAtFinalEpoch"] = Metrics(r.TestAtFinalEpoch);
                o["epochsToTarget"] = Node(r.EpochsToTarget);
                o["secondsToTarget"] = Node(Milliseconds(r.SecondsToTarget));
                o["areaUnderValidationCurve"] = Node(r.AreaUnderValidationCurve);
                o["testRecallPerClassAtFinalEpoch"] = r.TestRecallPerClass is null ? null : new JsonArray(r.TestRecallPerClass.Select(Node).ToArray());
                o["calibration"] = r.Calibration?.DeepClone();
                o["epochs"] = Node(r.Epochs);
                o["diverged"] = r.Diverged;
                o["divergence"] = Node(r.Divergence);
                o["stoppedEarly"] = r.StoppedEarly;
                break;
            default:
                throw new ArgumentException($"unknown summary type {s.GetType().Name}", nameof(s));
        }
        return o;
    }

    /// <summary>The summary a JSON object holds; <see cref="FormatException"/> on a field of the wrong type.</summary>
    internal static RunSummary FromJson(JsonObject n)
    {
        if (Text(n["status"]) == FailedRunSummary.FailedStatus)
            return new FailedRunSummary
            {
                Run = Text(n["run"]), Loss = Text(n["loss"]), RegistryName = Text(n["registryName"]), Seed = Integer(n["seed"]),
                Phase = Text(n["phase"]), LearningRate = Number(n["learningRate"]), Error = Text(n["error"]),
            };
        return new FinishedRunSummary
        {
            Run = Text(n["run"]), Loss = Text(n["loss"]), RegistryName = Text(n["registryName"]), Seed = Integer(n["seed"]),
            Phase = Text(n["phase"]), LearningRate = Number(n["learningRate"]),
            InitialWeightsHash = Text(n["initialWeightsHash"]),
            Seconds = Number(n["seconds"]),
            Selection = Text(n["selection"]),
            SelectedEpoch = Integer(n["selectedEpoch"]),
            ValidationScoreAtSelectedEpoch = Number(n["validationScoreAtSelectedEpoch"]),
            TestAtSelectedEpoch = Metrics(n["testAtSelectedEpoch"]),
            TestAtFinalEpoch = Metrics(n["testAtFinalEpoch"]),
            EpochsToTarget = Integer(n["epochsToTarget"]),
            SecondsToTarget = Number(n["secondsToTarget"]),
            AreaUnderValidationCurve = Number(n["areaUnderValidationCurve"]),
            TestRecallPerClass = n["testRecallPerClassAtFinalEpoch"] is JsonArray a ? a.Select(Number).ToList() : null,
            Calibration = n["calibration"] as JsonObject,
            Epochs = Integer(n["epochs"]),
            Diverged = True(n["diverged"]),
            Divergence = Text(n["divergence"]),
            StoppedEarly = True(n["stoppedEarly"]),
        };
    }

    static double? Milliseconds(double? seconds) => seconds is { } s ? Math.Round(s, 3) : null;

    static JsonObject? Metrics(IReadOnlyDictionary<string, double?>? metrics)
    {
        if (metrics is null) return null;
        var o = new JsonObject();
        foreach (var (key, value) in metrics) o[key] = Node(value);
        return o;
    }

    static IReadOnlyDictionary<string, double?>? Metrics(JsonNode? n)
    {
        if (n is not JsonObject o) return null;
        var metrics = new Dictionary<string, double?>(StringComparer.Ordinal);
        foreach (var (key, value) in o) metrics[key] = Number(value);
        return metrics;
    }
}

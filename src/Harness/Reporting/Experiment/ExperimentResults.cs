using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Harness.Cli;
using Harness.Experiments;

namespace Harness.Reporting;

/// <summary>A loss entry of the experiment, as config.resolved.json lists it (or as found only in a run's summary).</summary>
/// <param name="DisplayName">Name in tables and plots (the display name, or the loss name when that is empty).</param>
/// <param name="LossName">The registry name as configured (e.g. "cross-entropy", "builtin:mse").</param>
/// <param name="InConfig">Listed in config.resolved.json (false: found only in a run folder).</param>
public sealed record ReportLoss(string DisplayName, string LossName, bool InConfig);

/// <summary>What a run's <c>summary.json</c> says (numbers that were not finite are null).</summary>
public sealed record RunSummary
{
    /// <summary>The epoch validation selected (null without a validation split).</summary>
    public int? SelectedEpoch { get; init; }
    /// <summary>The validation value at the selected epoch.</summary>
    public double? ValidationScoreAtSelectedEpoch { get; init; }
    /// <summary>What selected it, e.g. "validation accuracy".</summary>
    public string? Selection { get; init; }
    /// <summary>The run's learning rate.</summary>
    public double? LearningRate { get; init; }
    /// <summary>First epoch that reached the convergence target.</summary>
    public int? EpochsToTarget { get; init; }
    /// <summary>Training seconds to that epoch.</summary>
    public double? SecondsToTarget { get; init; }
    /// <summary>Test recall of each class at the final epoch (classification).</summary>
    public IReadOnlyList<double?>? TestRecallPerClass { get; init; }
    /// <summary>Calibration of the final model (classification), as the run wrote it; null when absent.</summary>
    public JsonObject? Calibration { get; init; }
    /// <summary>Epochs completed.</summary>
    public int Epochs { get; init; }
    /// <summary>The run diverged.</summary>
    public bool Diverged { get; init; }
    /// <summary>Why it diverged.</summary>
    public string? Divergence { get; init; }
    /// <summary>Wall time of the run.</summary>
    public double? Seconds { get; init; }
}

/// <summary>One run folder: its cell (loss, seed), its summary (null when it has none) and its epoch history.</summary>
public sealed record RunRecord(string Id, ReportLoss Loss, int Seed, RunSummary? Summary, IReadOnlyList<MetricsRow> Epochs, string? Failure = null)
{
    /// <summary>The run finished (it has a summary.json).</summary>
    public bool Complete => Summary != null;

    /// <summary>The row of an epoch, or null.</summary>
    public MetricsRow? At(int? epoch) => epoch is { } e ? Epochs.FirstOrDefault(r => r.Epoch == e) : null;

    /// <summary>A finished run's test metric at the epoch validation selected (<paramref name="selected"/>) or at its final epoch.</summary>
    public double? Test(Metrics.ScoreMetric metric, bool selected) =>
        Summary == null ? null : (selected ? At(Summary.SelectedEpoch) : Epochs.LastOrDefault())?[metric.Column];
}

/// <summary>
/// An experiment's results folder as read from its files alone: <c>config.resolved.json</c> (required),
/// <c>experiment.json</c> (optional), and every <c>runs/*/metrics.csv</c> and <c>runs/*/summary.json</c>. The grid's
/// own summary.csv / summary.json are not read: they may be stale, or absent when pieces of a grid were merged.
/// </summary>
public sealed class ExperimentResults
{
    /// <summary>The folder.</summary>
    public required string Folder { get; init; }
    /// <summary>Experiment name.</summary>
    public required string Name { get; init; }
    /// <summary>Free-text description.</summary>
    public required string Description { get; init; }
    /// <summary>Dataset name (from experiment.json, else the config).</summary>
    public required string DatasetName { get; init; }
    /// <summary>Classification (accuracy, higher is better) or regression (RMSE, lower is better).</summary>
    public required bool Classification { get; init; }
    /// <summary>Loss entries: config order, then any found only in run folders.</summary>
    public required IReadOnlyList<ReportLoss> Losses { get; init; }
    /// <summary>Seeds: the config's, then any other found in run folders.</summary>
    public required IReadOnlyList<int> Seeds { get; init; }
    /// <summary>The baseline loss entry.</summary>
    public required ReportLoss? Baseline { get; init; }
    /// <summary>The convergence target, if the config set one.</summary>
    public required double? ConvergenceTarget { get; init; }
    /// <summary>config.resolved.json as written.</summary>
    public required string ResolvedConfigText { get; init; }
    /// <summary>experiment.json, or null when absent.</summary>
    public required JsonObject? ExperimentInfo { get; init; }
    /// <summary>Every evaluation run folder that could be placed in the grid.</summary>
    public required IReadOnlyList<RunRecord> Runs { get; init; }
    /// <summary>The learning-rate tuning runs (runs/tuning/*), each with its candidate rate; empty without tuning.</summary>
    public required IReadOnlyList<RunRecord> TuningRuns { get; init; }
    /// <summary>Candidate learning rates of the config's tuning block (empty: no tuning).</summary>
    public required IReadOnlyList<double> TuningRates { get; init; }
    /// <summary>training.optimizer.learningRate of the config: every loss's rate when there is no tuning block.</summary>
    public double? ConfiguredLearningRate { get; init; }
    /// <summary>Tuning seeds of the config.</summary>
    public required IReadOnlyList<int> TuningSeeds { get; init; }
    /// <summary>The test metric the verdict ranks by (config rankBy).</summary>
    public required Metrics.ScoreMetric RankBy { get; init; }
    /// <summary>Selection reads the validation yardstick loss (early stopping on 'loss'), not validation accuracy / RMSE.</summary>
    public required bool SelectByLoss { get; init; }
    /// <summary>Things the report should mention (unplaceable folders, duplicates).</summary>
    public required IReadOnlyList<string> Warnings { get; init; }

    /// <summary>The run of a cell, or null.</summary>
    public RunRecord? Run(ReportLoss loss, int seed) => Runs.FirstOrDefault(r => r.Loss == loss && r.Seed == seed);

    static readonly Regex RunFolder = new(@"^(?<loss>.+)-seed(?<seed>-?\d+)$", RegexOptions.CultureInvariant);

    /// <summary>Reads a results folder; throws <see cref="UsageException"/> when it is not one or a file is malformed.</summary>
    public static ExperimentResults Read(string folder)
    {
        var current = new string[1];
        try
        {
            return ReadCore(folder, current);
        }
        catch (FormatException e)
        {
            throw new UsageException($"{current[0]}: {e.Message}");
        }
    }

    /// <summary>Reads the folder; <paramref name="current"/>[0] names the file being read, for messages.</summary>
    static ExperimentResults ReadCore(string folder, string[] current)
    {
        if (!Directory.Exists(folder))
            throw new UsageException($"'{folder}' is not a folder; expected an experiment's results folder, e.g. results/quickstart.");
        var configPath = Path.Combine(folder, "config.resolved.json");
        if (!File.Exists(configPath))
            throw new UsageException($"'{folder}' is not an experiment results folder: it has no config.resolved.json " +
                                     "(expected the folder 'harness run' writes, e.g. results/quickstart).");
        current[0] = configPath;
        var configText = File.ReadAllText(configPath);
        var config = ParseObject(configPath, configText);
        var experimentPath = Path.Combine(folder, "experiment.json");
        current[0] = experimentPath;
        var info = File.Exists(experimentPath) ? ParseObject(experimentPath, File.ReadAllText(experimentPath)) : null;
        current[0] = configPath;

        var warnings = new List<string>();
        var losses = new List<ReportLoss>();
        if (config["losses"] is JsonArray entries)
            foreach (var entry in entries.OfType<JsonObject>())
            {
                var lossName = Text(entry["loss"]) ?? "";
                var display = Text(entry["displayName"]);
                losses.Add(new ReportLoss(string.IsNullOrWhiteSpace(display) ? lossName : display, lossName, true));
            }
        var seeds = new List<int>();
        if (config["seeds"] is JsonArray seedArray)
            foreach (var s in seedArray)
                if (Integer(s) is { } seed && !seeds.Contains(seed)) seeds.Add(seed);

        // Runs: placed by their summary.json when they have one, else by the folder name <run id>-seed<seed>.
        var runs = new List<RunRecord>();
        var runsFolder = Path.Combine(folder, "runs");
        var runFolders = Directory.Exists(runsFolder)
            ? Directory.GetDirectories(runsFolder).Where(d => Path.GetFileName(d) != ExperimentPlan.TuningFolder)
                .OrderBy(d => d, StringComparer.Ordinal).ToArray()
            : [];
        var classificationVotes = new List<bool>();
        foreach (var runFolder in runFolders)
        {
            var id = Path.GetFileName(runFolder);
            var summaryPath = Path.Combine(runFolder, "summary.json");
            var metricsPath = Path.Combine(runFolder, "metrics.csv");
            RunSummary? summary = null;
            string? lossDisplay = null, registryName = null;
            int? seed = null;
            string? failure = null;
            if (File.Exists(summaryPath))
            {
                current[0] = summaryPath;
                var node = ParseObject(summaryPath, File.ReadAllText(summaryPath));
                // A failed run's summary.json records its error and no results: the cell is missing, with that reason.
                if (Text(node["status"]) == Sinks.RunSummaryWriter.FailedStatus) failure = Text(node["error"]) ?? "no error recorded";
                else summary = ReadSummary(node);
                lossDisplay = Text(node["loss"]);
                registryName = Text(node["registryName"]);
                seed = Integer(node["seed"]);
                if (node["testAtFinalEpoch"] is JsonObject final) classificationVotes.Add(final.ContainsKey("accuracy"));
            }
            var match = RunFolder.Match(id);
            seed ??= match.Success && int.TryParse(match.Groups["seed"].Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? s : null;
            var loss = lossDisplay != null
                ? losses.FirstOrDefault(l => l.DisplayName == lossDisplay)
                : match.Success ? losses.FirstOrDefault(l => ExperimentPlan.RunId(l.DisplayName) == match.Groups["loss"].Value) : null;
            if (loss == null && lossDisplay != null)
            {
                loss = new ReportLoss(lossDisplay, registryName ?? lossDisplay, false);
                losses.Add(loss);
                warnings.Add($"run '{id}' is for loss '{lossDisplay}', which config.resolved.json does not list; it is reported after the configured losses.");
            }
            if (loss == null || seed == null)
            {
                warnings.Add($"run folder '{id}' has no summary.json and its name does not match a configured loss as <loss>-seed<N>; it is ignored.");
                continue;
            }
            if (!seeds.Contains(seed.Value)) seeds.Add(seed.Value);
            if (runs.FirstOrDefault(r => r.Loss == loss && r.Seed == seed) is { } existing)
            {
                warnings.Add($"runs '{existing.Id}' and '{id}' are both {loss.DisplayName} seed {seed}; only '{existing.Id}' is used.");
                continue;
            }
            var epochs = File.Exists(metricsPath) ? MetricsCsvReader.Read(metricsPath) : [];
            runs.Add(new RunRecord(id, loss, seed.Value, summary, epochs, failure));
        }

        var classification = DetectClassification(info, config, classificationVotes, runs);
        var tuningRuns = new List<RunRecord>();
        var tuningFolder = Path.Combine(runsFolder, ExperimentPlan.TuningFolder);
        if (Directory.Exists(tuningFolder))
            foreach (var runFolder in Directory.GetDirectories(tuningFolder).OrderBy(d => d, StringComparer.Ordinal))
            {
                var summaryPath = Path.Combine(runFolder, "summary.json");
                if (!File.Exists(summaryPath)) continue; // unfinished: the tuning table counts it as missing
                current[0] = summaryPath;
                var node = ParseObject(summaryPath, File.ReadAllText(summaryPath));
                if (Text(node["status"]) == Sinks.RunSummaryWriter.FailedStatus) continue; // failed: missing, like an unfinished run
                var loss = losses.FirstOrDefault(l => l.DisplayName == Text(node["loss"]));
                if (loss == null || Integer(node["seed"]) is not { } seed) continue;
                var metricsPath = Path.Combine(runFolder, "metrics.csv");
                tuningRuns.Add(new RunRecord(Path.GetFileName(runFolder), loss, seed, ReadSummary(node), File.Exists(metricsPath) ? MetricsCsvReader.Read(metricsPath) : []));
            }
        current[0] = configPath;
        var tuning = config["tuning"] as JsonObject;
        var tuningRates = tuning?["learningRates"] is JsonArray rateArray ? rateArray.Select(Number).OfType<double>().ToList() : [];
        var tuningSeeds = tuning?["seeds"] is JsonArray tuningSeedArray ? tuningSeedArray.Select(Integer).OfType<int>().ToList() : [];
        var earlyStoppingMetric = config["training"]?["earlyStopping"]?["metric"] is JsonValue em && em.TryGetValue<string>(out var emText) ? emText : "accuracy";
        var baselineKey = Text(config["baseline"]);
        var configured = losses.Where(l => l.InConfig).ToList();
        var baseline = string.IsNullOrWhiteSpace(baselineKey)
            ? configured.FirstOrDefault() ?? losses.FirstOrDefault()
            : configured.FirstOrDefault(l => string.Equals(l.DisplayName, baselineKey, StringComparison.OrdinalIgnoreCase))
              ?? configured.FirstOrDefault(l => string.Equals(l.LossName, baselineKey, StringComparison.OrdinalIgnoreCase));
        if (baseline == null && !string.IsNullOrWhiteSpace(baselineKey))
        {
            warnings.Add($"baseline '{baselineKey}' is not one of the losses; the first loss is used instead.");
            baseline = configured.FirstOrDefault() ?? losses.FirstOrDefault();
        }

        var dataset = info?["dataset"] is JsonObject ds ? Text(ds["name"]) : null;
        dataset ??= config["dataset"] is JsonObject cd ? Text(cd["name"]) : null;
        return new ExperimentResults
        {
            Folder = folder,
            Name = Text(config["name"]) ?? Text(info?["name"]) ?? Path.GetFileName(Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar)),
            Description = Text(config["description"]) ?? "",
            DatasetName = dataset ?? "unknown dataset",
            Classification = classification,
            Losses = losses,
            Seeds = seeds,
            Baseline = baseline,
            ConvergenceTarget = config["convergenceTarget"] is JsonValue tv && tv.TryGetValue<double>(out var target) ? target : null,
            ResolvedConfigText = configText,
            ExperimentInfo = info,
            Runs = runs,
            TuningRuns = tuningRuns,
            TuningRates = tuningRates,
            ConfiguredLearningRate = Number(config["training"]?["optimizer"]?["learningRate"]),
            TuningSeeds = tuningSeeds,
            RankBy = Metrics.ScoreMetric.Find(Text(config["rankBy"]), classification),
            SelectByLoss = earlyStoppingMetric.Equals("loss", StringComparison.OrdinalIgnoreCase),
            Warnings = warnings,
        };
    }

    static bool DetectClassification(JsonObject? info, JsonObject config, List<bool> votes, List<RunRecord> runs)
    {
        if (info?["dataset"] is JsonObject ds && Text(ds["task"]) is { } task)
            return !task.Equals("regression", StringComparison.OrdinalIgnoreCase);
        if (votes.Count > 0) return votes[0];
        if (runs.SelectMany(r => r.Epochs).FirstOrDefault() is { } row) return row.TestAccuracy != null;
        var name = config["dataset"] is JsonObject cd ? Text(cd["name"]) : null;
        // The catalogue knows each dataset's task; a CSV's is its csv.task; unknown names read as classification.
        var dataset = new Data.DatasetConfig { Name = name ?? "", Csv = new Data.CsvDatasetConfig { Task = Text(config["dataset"]?["csv"]?["task"]) ?? "" } };
        return !Data.DatasetCatalog.IsRegression(dataset);
    }

    static RunSummary ReadSummary(JsonObject n) => new()
    {
        SelectedEpoch = Integer(n["selectedEpoch"]),
        ValidationScoreAtSelectedEpoch = Number(n["validationScoreAtSelectedEpoch"]),
        Selection = Text(n["selection"]),
        LearningRate = Number(n["learningRate"]),
        EpochsToTarget = Integer(n["epochsToTarget"]),
        SecondsToTarget = Number(n["secondsToTarget"]),
        TestRecallPerClass = n["testRecallPerClassAtFinalEpoch"] is JsonArray a ? a.Select(Number).ToList() : null,
        Calibration = n["calibration"] as JsonObject,
        Epochs = Integer(n["epochs"]) ?? 0,
        Diverged = n["diverged"] is JsonValue d && d.GetValueKind() == JsonValueKind.True,
        Divergence = Text(n["divergence"]),
        Seconds = Number(n["seconds"]),
    };

    static JsonObject ParseObject(string path, string text)
    {
        try
        {
            return JsonNode.Parse(text) as JsonObject ?? throw new UsageException($"{path}: expected a JSON object.");
        }
        catch (JsonException e)
        {
            throw new UsageException($"{path}: not valid JSON: {e.Message}");
        }
    }

    static string? Text(JsonNode? n) => n is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    static double? Number(JsonNode? n) => n switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.GetValue<double>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.Null => null,
        _ => throw new FormatException($"expected a number at '{n.GetPath()}', found {n.ToJsonString()}"),
    };

    static int? Integer(JsonNode? n) => Number(n) is { } d
        ? d == Math.Floor(d) && Math.Abs(d) <= int.MaxValue ? (int)d : throw new FormatException($"expected a whole number at '{n!.GetPath()}', found {d}")
        : null;
}

using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Harness.Experiments;
using Harness.Results;
using static Harness.Results.ResultsJson;

namespace Harness.Reporting;

/// <summary>A loss entry of the experiment, as config.resolved.json lists it (or as found only in a run's summary).</summary>
/// <param name="DisplayName">Name in tables and plots (the display name, or the loss name when that is empty).</param>
/// <param name="LossName">The registry name as configured (e.g. "cross-entropy", "builtin:mse").</param>
/// <param name="InConfig">Listed in config.resolved.json (false: found only in a run folder).</param>
public sealed record ReportLoss(string DisplayName, string LossName, bool InConfig);

/// <summary>One run folder: its cell (loss, seed), its summary (null when it has none) and its epoch history.</summary>
public sealed record RunRecord(
    string Id, ReportLoss Loss, int Seed, FinishedRunSummary? Summary, IReadOnlyList<Metrics.EpochMetrics> Epochs, string? Failure = null)
{
    /// <summary>The run finished (it has a summary.json).</summary>
    public bool Complete => Summary != null;

    /// <summary>The row of an epoch, or null.</summary>
    public Metrics.EpochMetrics? At(int? epoch) => epoch is { } e ? Epochs.FirstOrDefault(r => r.Epoch == e) : null;

    /// <summary>A finished run's test metric at the epoch validation selected (<paramref name="selected"/>) or at its final epoch.</summary>
    public double? Test(Metrics.ScoreMetric metric, bool selected) =>
        Summary == null ? null : (selected ? At(Summary.SelectedEpoch) : Epochs.LastOrDefault()) is { } row ? MetricsFile.Value(row, metric.Column) : null;
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
    /// <summary>experiment.json as written (report.json embeds it), or null when absent.</summary>
    public required JsonObject? ExperimentInfo { get; init; }
    /// <summary>experiment.json read, or null when absent.</summary>
    public ExperimentInfo? Experiment { get; init; }
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

    /// <summary>Reads a results folder; throws <see cref="ResultsFolderException"/> when it is not one or a file is malformed.</summary>
    public static ExperimentResults Read(string folder)
    {
        var current = new string[1];
        try
        {
            return ReadCore(folder, current);
        }
        catch (FormatException e)
        {
            throw new ResultsFolderException($"{current[0]}: {e.Message}", e);
        }
    }

    /// <summary>Reads the folder; <paramref name="current"/>[0] names the file being read, for messages.</summary>
    static ExperimentResults ReadCore(string folder, string[] current)
    {
        if (!Directory.Exists(folder))
            throw new ResultsFolderException($"'{folder}' is not a folder; expected an experiment's results folder, e.g. results/quickstart.");
        var layout = new ResultsLayout(folder);
        var configPath = layout.ResolvedConfig;
        if (!File.Exists(configPath))
            throw new ResultsFolderException($"'{folder}' is not an experiment results folder: it has no {ResultsLayout.ResolvedConfigFileName} " +
                                     "(expected the folder 'harness run' writes, e.g. results/quickstart).");
        current[0] = configPath;
        var configText = File.ReadAllText(configPath);
        var config = ParseObject(configPath, configText);
        var experimentPath = layout.ExperimentInfo;
        current[0] = experimentPath;
        (ExperimentInfo Info, JsonObject Json)? experiment = File.Exists(experimentPath) ? ExperimentInfoFile.ReadJson(experimentPath) : null;
        var info = experiment?.Json;
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
        var runsFolder = layout.RunsFolder;
        var runFolders = Directory.Exists(runsFolder)
            ? Directory.GetDirectories(runsFolder).Where(d => Path.GetFileName(d) != ExperimentPlan.TuningFolder)
                .OrderBy(d => d, StringComparer.Ordinal).ToArray()
            : [];
        var classificationVotes = new List<bool>();
        foreach (var runFolder in runFolders)
        {
            var id = Path.GetFileName(runFolder);
            var summaryPath = ResultsLayout.SummaryIn(runFolder);
            var metricsPath = ResultsLayout.MetricsIn(runFolder);
            FinishedRunSummary? summary = null;
            string? lossDisplay = null, registryName = null;
            int? seed = null;
            string? failure = null;
            if (File.Exists(summaryPath))
            {
                var read = RunSummaryFile.Read(summaryPath);
                // A failed run's summary.json records its error and no results: the cell is missing, with that reason.
                if (read is FailedRunSummary failed) failure = failed.Error ?? "no error recorded";
                else summary = (FinishedRunSummary)read;
                lossDisplay = read.Loss;
                registryName = read.RegistryName;
                seed = read.Seed;
                if (summary?.TestAtFinalEpoch is { } final) classificationVotes.Add(final.ContainsKey("accuracy"));
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
            var epochs = File.Exists(metricsPath) ? MetricsFile.Read(metricsPath) : [];
            runs.Add(new RunRecord(id, loss, seed.Value, summary, epochs, failure));
        }

        var classification = DetectClassification(experiment?.Info, config, classificationVotes, runs);
        var tuningRuns = new List<RunRecord>();
        var tuningFolder = Path.Combine(runsFolder, ExperimentPlan.TuningFolder);
        if (Directory.Exists(tuningFolder))
            foreach (var runFolder in Directory.GetDirectories(tuningFolder).OrderBy(d => d, StringComparer.Ordinal))
            {
                var summaryPath = ResultsLayout.SummaryIn(runFolder);
                if (!File.Exists(summaryPath)) continue; // unfinished: the tuning table counts it as missing
                if (RunSummaryFile.Read(summaryPath) is not FinishedRunSummary summary) continue; // failed: missing, like an unfinished run
                var loss = losses.FirstOrDefault(l => l.DisplayName == summary.Loss);
                if (loss == null || summary.Seed is not { } seed) continue;
                var metricsPath = ResultsLayout.MetricsIn(runFolder);
                tuningRuns.Add(new RunRecord(Path.GetFileName(runFolder), loss, seed, summary, File.Exists(metricsPath) ? MetricsFile.Read(metricsPath) : []));
            }
        current[0] = configPath;
        var tuning = config["tuning"] as JsonObject;
        var tuningRates = tuning?["learningRates"] is JsonArray rateArray ? rateArray.Select(Number).OfType<double>().ToList() : [];
        var tuningSeeds = tuning?["seeds"] is JsonArray tuningSeedArray ? tuningSeedArray.Select(Integer).OfType<int>().ToList() : [];
        var earlyStoppingMetric = config["training"]?["earlyStopping"]?["metric"] is JsonValue em && em.TryGetValue<string>(out var emText)
            ? emText
            : "accuracy";
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

        var dataset = experiment?.Info.Dataset?.Name;
        dataset ??= config["dataset"] is JsonObject cd ? Text(cd["name"]) : null;
        return new ExperimentResults
        {
            Folder = folder,
            Name = Text(config["name"]) ?? experiment?.Info.Name ?? Path.GetFileName(Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar)),
            Description = Text(config["description"]) ?? "",
            DatasetName = dataset ?? "unknown dataset",
            Classification = classification,
            Losses = losses,
            Seeds = seeds,
            Baseline = baseline,
            ConvergenceTarget = config["convergenceTarget"] is JsonValue tv && tv.TryGetValue<double>(out var target) ? target : null,
            ResolvedConfigText = configText,
            ExperimentInfo = info,
            Experiment = experiment?.Info,
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

    static bool DetectClassification(ExperimentInfo? info, JsonObject config, List<bool> votes, List<RunRecord> runs)
    {
        if (info?.Dataset?.Task is { } task)
            return !task.Equals("regression", StringComparison.OrdinalIgnoreCase);
        if (votes.Count > 0) return votes[0];
        if (runs.SelectMany(r => r.Epochs).FirstOrDefault() is { } row) return row.TestAccuracy != null;
        var name = config["dataset"] is JsonObject cd ? Text(cd["name"]) : null;
        // The catalogue knows each dataset's task; a CSV's is its csv.task; unknown names read as classification.
        var dataset = new Data.DatasetConfig { Name = name ?? "", Csv = new Data.CsvDatasetConfig { Task = Text(config["dataset"]?["csv"]?["task"]) ?? "" } };
        return !Data.DatasetCatalog.IsRegression(dataset);
    }
}

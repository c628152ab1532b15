using System.CommandLine;
using Harness.Config;
using Harness.Data;
using Harness.Experiments;
using Harness.Reporting;
using Harness.Sinks;
using Harness.Training;
using Spectre.Console;

namespace Harness.Cli;

/// <summary>
/// <c>harness run experiments/&lt;name&gt;.json [--set key=value ...] [--output DIR] [--device cpu|cuda|auto]
/// [--force | --resume] [--shard k/n [--wait-for-tuning DURATION]] [--jobs N|auto] [--quiet | --verbose]</c>:
/// trains one network per (loss, seed) cell and logs accuracy and convergence for each. Runs checkpoint at epoch ends
/// (<c>training.checkpointEvery</c>); <c>--resume</c> finishes an interrupted experiment from those checkpoints.
/// </summary>
public static class RunCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var config = new Argument<string>("config") { Description = "Experiment file, e.g. experiments/quickstart.json." };
        var set = new Option<string[]>("--set")
        {
            Description = "Override a config key: --set training.epochs=5 --set seeds=[0,1,2].",
            AllowMultipleArgumentsPerToken = false,
        };
        var output = new Option<string?>("--output") { Description = "Results root (replaces the config's output); results go to <root>/<name>." };
        var device = new Option<string?>("--device") { Description = "cpu, cuda or auto (replaces the config's device)." };
        device.AcceptOnlyFromAmong(DeviceOption.Values);
        var force = new Option<bool>("--force") { Description = "Replace an existing results folder (with --shard: this shard's runs)." };
        var shard = new Option<string?>("--shard")
        {
            Description = "Run only shard k of n of the grid (k/n): the run at plan index i belongs to shard (i mod n) + 1. " +
                          "Shards write into one results folder; `harness report` merges them.",
        };
        var resume = new Option<bool>("--resume")
        {
            Description = "Finish an interrupted experiment in its existing results folder (same config and overrides): " +
                          "finished runs (with summary.json) are kept, unfinished ones go on from their last end-of-epoch checkpoint. " +
                          "With --shard: this shard's runs.",
        };
        var quiet = new Option<bool>("--quiet") { Description = "Print only the ranking table and the verdict (and errors)." };
        var verbose = new Option<bool>("--verbose") { Description = "When the output is not a terminal, also print a line per run and per epoch." };
        var jobs = new Option<string?>("--jobs")
        {
            Description = "Train up to N runs at once, each on its own thread (N, or auto: one per core that a run's threads leave; " +
                          "default: the config's jobs, else auto). Torch threads per run: the config's, else cores / N.",
        };
        var waitForTuning = new Option<string?>("--wait-for-tuning")
        {
            Description = "With --shard and a tuning block: wait up to DURATION (90s, 30m, 2h) for the tuning runs of the other shards " +
                          "before choosing the rates, so that this shard trains its evaluation runs in the same pass " +
                          "(without it, they wait for a --resume pass). For cluster jobs whose shards all run at once.",
        };
        var noReport = new Option<bool>("--no-report")
        {
            Description = "Do not write the report at the end (shards: run `harness report` once every shard is done).",
        };
        var command = new Command("run", "Train identical networks with different losses, as an experiment file describes.")
        {
            config, set, output, device, force, resume, shard, waitForTuning, jobs, noReport, quiet, verbose,
        };
        command.SetAction(parse => CommandRunner.Run(() => Execute(
            parse.GetValue(config)!, parse.GetValue(set) ?? [], parse.GetValue(output), parse.GetValue(device), parse.GetValue(force), parse.GetValue(shard),
            parse.GetValue(resume), parse.GetValue(quiet) ? Verbosity.Quiet : parse.GetValue(verbose) ? Verbosity.Verbose : Verbosity.Normal,
            parse.GetValue(quiet) && parse.GetValue(verbose), parse.GetValue(jobs), parse.GetValue(noReport), parse.GetValue(waitForTuning))));
        return command;
    }

    /// <summary>Runs an experiment; returns the exit code.</summary>
    public static int Execute(string configPath, IReadOnlyList<string> overrides, string? output, string? device, bool force, string? shardText = null,
        bool resume = false, Verbosity verbosity = Verbosity.Normal, bool quietAndVerbose = false, string? jobsText = null, bool noReport = false,
        string? tuningWaitText = null)
    {
        // Everything that can be wrong with the input is checked before the results folder is touched.
        if (force && resume) throw new UsageException("--resume and --force exclude each other: --resume keeps the results folder, --force replaces it.");
        if (quietAndVerbose) throw new UsageException("--quiet and --verbose exclude each other: pass one of them, or neither for the default.");
        var jobsGiven = Jobs(jobsText);
        GridShard shard;
        try { shard = shardText is null ? GridShard.All : GridShard.Parse(shardText); }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
        var tuningWait = TuningWait(tuningWaitText);
        if (tuningWaitText != null && !shard.IsPartial)
            throw new UsageException("--wait-for-tuning waits for the tuning runs of other shards: it needs --shard k/n.");
        if (output != null && string.IsNullOrWhiteSpace(output))
            throw new UsageException("--output is empty: pass the folder the results go under, e.g. --output results.");
        var loaded = ConfigLoader.Load(configPath, overrides);
        foreach (var notice in loaded.Notices ?? []) Console.Error.WriteLine("notice: " + notice);
        var config = loaded.Config;
        if (output != null) config = config with { Output = output };
        if (string.IsNullOrWhiteSpace(config.Output))
            throw new UsageException("the results root is empty (config key 'output'): name a folder, e.g. \"output\": \"results\".");
        if (device != null) config = config with { Device = device };
        var dev = DeviceOption.Resolve(config.Device, m => Console.Error.WriteLine("notice: " + m));
        // The first seed's data is loaded now: data errors surface before the results folder is touched.
        var firstSeed = config.Tuning.LearningRates.Count > 0 ? config.Tuning.Seeds[0] : config.Seeds[0];
        using var seedData = new SeedData(config.Dataset, loaded.BaseDirectory, firstSeed);
        var data = seedData.First;
        var plan = ExperimentPlan.Create(config, data).Shard(shard);
        ModelCheck.Preflight(config, plan, data);
        string outputRoot;
        try { outputRoot = Path.GetFullPath(config.Output); }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new UsageException($"the results root '{config.Output}' is not a valid path: {e.Message}");
        }
        if (File.Exists(outputRoot)) throw new UsageException($"the results root '{outputRoot}' is a file; pass --output with a folder.");
        var folder = Path.Combine(outputRoot, config.Name);
        var commandLine = "harness " + string.Join(" ", Environment.GetCommandLineArgs().Skip(1));
        var log = verbosity == Verbosity.Quiet ? TextWriter.Null : Console.Out;
        var jobs = JobsSetting.Resolve(jobsGiven ?? config.Jobs, config.Threads, plan.Runs.Count, dev.type == TorchSharp.DeviceType.CUDA);
        // Runs at once share the cores: each gets its share unless the config says how many threads a run takes.
        var autoThreads = jobs > 1 && config.Threads == 0 ? Math.Max(1, Environment.ProcessorCount / jobs) : 0;
        // Held until the process ends: no other process writes this folder (or these runs, for a shard) meanwhile.
        using var locks = ResultsFolderLocks.ForRun(folder, shard.IsPartial, plan.Runs.Select(r => r.Id), commandLine);
        // Shards share the grid lock, so only a whole-grid process may settle what a killed --force left behind.
        if (!shard.IsPartial)
            foreach (var notice in ReplacedResults.SettleAbandoned(folder)) Console.Error.WriteLine("notice: " + notice);
        var settings = new RunSettings(folder, dev, force, commandLine, shard, resume, locks, log, autoThreads, Jobs: jobs, TuningWait: tuningWait);
        var replaced = ExperimentRunner.PrepareFolder(settings, config, plan);
        if (replaced != null) log.WriteLine($"--force: the old results wait in '{replaced.Aside}' until the first run finishes (they come back if none does).");

        var classification = data.Task == TaskKind.Classification;
        var tuningRuns = config.Tuning.LearningRates.Count * config.Tuning.Seeds.Count * config.Losses.Count;
        log.WriteLine($"{config.Name}: {data.Name} ({data.Train.Count} train / {data.Validation.Count} validation / {data.Test.Count} test), " +
                          $"{config.Losses.Count} losses x {config.Seeds.Count} seeds = {config.Losses.Count * config.Seeds.Count} runs" +
                          (tuningRuns > 0
                              ? $" after {tuningRuns} tuning runs " +
                                $"({config.Tuning.LearningRates.Count} rates x {config.Tuning.Seeds.Count} tuning seeds per loss)"
                              : "") +
                          (shard.IsPartial ? $", shard {shard}: {plan.Runs.Count} of them" : "") + $" on {settings.Device.type.ToString().ToLowerInvariant()}" +
                          (jobs > 1 ? $", {jobs} at once" + (autoThreads > 0 ? $" ({autoThreads} torch thread(s) each)" : "") : ""));
        foreach (var note in data.Notes) log.WriteLine("  " + note);

        var selectByLoss = config.Training.EarlyStopping.Metric.Equals("loss", StringComparison.OrdinalIgnoreCase);
        var summaries = new RunSummaryWriter(folder, classification, writeGridSummary: !shard.IsPartial, selectByLoss);
        var sinks = new List<ITrainingObserver>
        {
            new MetricsCsvSink(new Results.ResultsLayout(folder)), summaries,
            new TensorBoardSink(new Results.ResultsLayout(folder).TensorBoardFolder, classification),
        };
        if (replaced != null) sinks.Add(replaced);
        try
        {
            RunGrid(config, seedData, plan, settings, sinks, classification, verbosity);
        }
        catch when (replaced != null && summaries.Results.Count == 0)
        {
            RestoreReplaced(replaced, folder);
            throw;
        }
        if (replaced != null && summaries.Results.Count == 0)
        {
            RestoreReplaced(replaced, folder);
        }
        else if (noReport) replaced?.Commit();
        else
        {
            replaced?.Commit();
            // A shard's report covers what the folder holds so far; rerun `harness report` when every shard is done.
            using (locks.GridFiles()) WriteReport(folder, log);
        }
        if (summaries.Failures.Count == 0) return ExitCodes.Success;
        ReportFailures(summaries.Failures.Select(f => f.Run.Id).ToList());
        return ExitCodes.RunsFailed;
    }

    /// <summary>No run finished after --force: the old results go back, and the user is told.</summary>
    static void RestoreReplaced(ReplacedResults replaced, string folder)
    {
        replaced.Restore();
        Console.Error.WriteLine($"notice: no run finished: the old results are back in '{folder}'.");
    }

    /// <summary>Writes the folder's report and prints its summary and where it is.</summary>
    static void WriteReport(string folder, TextWriter log)
    {
        var report = ExperimentReport.Write(folder);
        ConsoleSummary.Print(report.Analysis);
        log.WriteLine($"Report: {report.Markdown}");
        log.WriteLine($"Results: {folder}");
    }

    static void ReportFailures(IReadOnlyList<string> runIds) =>
        Console.Error.WriteLine($"error: {runIds.Count} run(s) failed: {string.Join(", ", runIds)}; " +
                                "their summary.json files say why; fix the cause and pass --resume to retry them.");

    /// <summary>The --jobs setting: a number, <see cref="JobsSetting.Auto"/> for auto, or null when not given.</summary>
    static int? Jobs(string? text) => text == null ? null
        : JobsSetting.Parse(text) ?? throw new UsageException($"--jobs {text}: pass a whole number from 1 to {JobsSetting.Max}, or auto.");

    /// <summary>A --wait-for-tuning duration: a positive whole number of seconds, minutes or hours (90s, 30m, 2h).</summary>
    static TimeSpan TuningWait(string? text)
    {
        if (text == null) return TimeSpan.Zero;
        var t = text.Trim();
        if (t.Length >= 2 && long.TryParse(t[..^1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)
            && n is > 0 and <= 1_000_000)
        {
            switch (t[^1])
            {
                case 's': return TimeSpan.FromSeconds(n);
                case 'm': return TimeSpan.FromMinutes(n);
                case 'h': return TimeSpan.FromHours(n);
            }
        }
        throw new UsageException($"--wait-for-tuning '{text}' is not valid: use a whole number of seconds, minutes or hours, such as 90s, 30m or 2h.");
    }

    static void RunGrid(
        ExperimentConfig config, SeedData seedData, ExperimentPlan plan, RunSettings settings, List<ITrainingObserver> sinks, bool classification,
        Verbosity verbosity)
    {
        if (AnsiConsole.Profile.Capabilities.Interactive && !Console.IsOutputRedirected && verbosity != Verbosity.Quiet)
        {
            AnsiConsole.Progress().AutoClear(false).HideCompleted(true)
                .Columns(
                    new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new LabelledRemainingTimeColumn())
                .Start(ctx => ExperimentRunner.Run(config, seedData, plan, settings,
                    [.. sinks, new ConsoleProgressSink(ctx, plan.Runs.Count, config.Training.Epochs, classification, plan.Runs.Max(r => r.Id.Length))]));
        }
        else
        {
            ExperimentRunner.Run(config, seedData, plan, settings, [.. sinks, new PlainLogSink(Console.Out, classification, verbosity)]);
        }
    }
}

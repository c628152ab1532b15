using System.Diagnostics;
using System.Text.Json;
using Harness.Config;
using Harness.Data;
using Harness.Models;
using Harness.Output;
using Harness.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Experiments;

/// <summary>Where and how to run a loaded experiment.</summary>
/// <param name="Folder">The experiment's results folder (output root / name).</param>
/// <param name="Device">The training device.</param>
/// <param name="Force">Replace an existing results folder.</param>
/// <param name="CommandLine">The command that started the run, recorded in experiment.json.</param>
/// <param name="Shard">The part of the grid this process runs (all of it by default).</param>
public sealed record RunSettings(string Folder, Device Device, bool Force, string CommandLine, GridShard? Shard = null)
{
    /// <summary>The shard, never null.</summary>
    public GridShard Part => Shard ?? GridShard.All;
}

/// <summary>
/// Runs an experiment's grid: for each seed, one initial network per head size, copied bit for bit into every
/// loss's model; the same epoch orders and dropout seeds for every loss; results through the sinks.
/// </summary>
public static class ExperimentRunner
{
    /// <summary>
    /// Checks that the results folder may be written. A whole-grid run refuses an existing, non-empty folder unless
    /// forced (then replaces it). A shard shares the folder with the other shards: it refuses a folder that holds a
    /// different experiment, and refuses to overwrite its own runs unless forced (then replaces only those).
    /// </summary>
    public static void PrepareFolder(RunSettings settings, ExperimentConfig config, ExperimentPlan plan)
    {
        var folder = settings.Folder;
        if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any())
        {
            if (!settings.Part.IsPartial)
            {
                if (!settings.Force)
                    throw new ExperimentSetupException($"results folder '{folder}' already exists; pass --force to replace it, or --output to write elsewhere.");
                Directory.Delete(folder, recursive: true);
            }
            else
            {
                var resolved = Path.Combine(folder, "config.resolved.json");
                if (File.Exists(resolved) && File.ReadAllText(resolved) != ResolvedConfigWriter.Write(config))
                    throw new ExperimentSetupException($"results folder '{folder}' holds a different experiment (its config.resolved.json differs); shards of one grid must share one config and overrides.");
                foreach (var run in plan.Runs)
                {
                    var runFolder = Path.Combine(folder, "runs", run.Id);
                    if (!Directory.Exists(runFolder)) continue;
                    if (!settings.Force)
                        throw new ExperimentSetupException($"run '{run.Id}' of shard {settings.Part} already exists in '{folder}'; pass --force to rerun this shard's runs.");
                    Directory.Delete(runFolder, recursive: true);
                    var events = Path.Combine(folder, "tensorboard", run.Id);
                    if (Directory.Exists(events)) Directory.Delete(events, recursive: true);
                }
            }
        }
        try
        {
            Directory.CreateDirectory(folder);
            var probe = Path.Combine(folder, $".write-test-{Environment.ProcessId}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ExperimentSetupException($"results folder '{folder}' is not writable: {e.Message}");
        }
    }

    /// <summary>Runs every planned run; returns their results in plan order.</summary>
    public static IReadOnlyList<RunResult> Run(ExperimentConfig config, PreparedData data, ExperimentPlan plan, RunSettings settings,
        IReadOnlyList<ITrainingObserver> observers)
    {
        var watch = Stopwatch.StartNew();
        if (config.Threads > 0) set_num_threads(config.Threads);
        AtomicFile.WriteAllText(Path.Combine(settings.Folder, "config.resolved.json"), ResolvedConfigWriter.Write(config));
        WriteExperimentInfo(config, data, settings, null);

        using var deviceData = new DeviceData(data, settings.Device);
        var trainer = new Trainer(config.Training, settings.Device, config.ConvergenceTarget);
        var results = new List<RunResult>();
        int position = 0;
        foreach (var seedRuns in plan.Runs.GroupBy(r => r.Seed))
        {
            // One initial network per head size for this seed: every loss with that head starts from its exact copy.
            var snapshots = new Dictionary<int, WeightSnapshot>();
            try
            {
                foreach (var planned in seedRuns)
                {
                    var outputs = planned.Binding.Outputs;
                    var model = ModelFactory.Build(config.Model, data.FeatureShape, outputs, planned.Seed);
                    if (!snapshots.TryGetValue(outputs, out var snapshot))
                        snapshots[outputs] = snapshot = WeightSnapshot.Take(model);
                    else
                        snapshot.LoadInto(model);
                    var hash = WeightSnapshot.Hash(model);
                    // Optimizers are created by the trainer after this move: module.to replaces parameter objects.
                    model.to(settings.Device);
                    var run = new RunInfo(planned.Id, planned.Binding.DisplayName, (planned.Binding.IsBuiltIn ? BuiltInLossFactory.Prefix : "") + planned.Binding.LossName,
                        planned.Seed, position++, plan.Runs.Count, config.Training.Epochs, hash);
                    results.Add(trainer.Train(run, model, planned.Binding, deviceData, observers));
                    model.Dispose();
                }
            }
            finally
            {
                foreach (var s in snapshots.Values) s.Dispose();
            }
        }
        WriteExperimentInfo(config, data, settings, watch.Elapsed.TotalSeconds);
        return results;
    }

    static void WriteExperimentInfo(ExperimentConfig config, PreparedData data, RunSettings settings, double? seconds)
    {
        var info = new
        {
            name = config.Name,
            description = config.Description,
            command = settings.CommandLine,
            device = settings.Device.type.ToString().ToLowerInvariant(),
            threads = get_num_threads(),
            torchSharp = typeof(torch).Assembly.GetName().Version?.ToString(),
            dotnet = Environment.Version.ToString(),
            os = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
            processors = Environment.ProcessorCount,
            dataset = new
            {
                name = data.Name,
                source = data.Source,
                task = data.Task.ToString().ToLowerInvariant(),
                classes = data.ClassCount,
                featureShape = data.FeatureShape,
                train = data.Train.Count,
                validation = data.Validation.Count,
                test = data.Test.Count,
                notes = data.Notes,
            },
            shard = settings.Part.ToString(),
            finished = seconds.HasValue,
            seconds = seconds is { } s ? Math.Round(s, 2) : (double?)null,
            determinism = "CPU runs are bit-reproducible for a fixed config, seed and thread count; CUDA kernels may not be.",
        };
        AtomicFile.WriteAllText(Path.Combine(settings.Folder, "experiment.json"),
            JsonSerializer.Serialize(info, new JsonSerializerOptions { WriteIndented = true }));
    }
}

using System.Diagnostics;
using System.Text.Json;
using Harness.Config;
using Harness.Data;
using Harness.Models;
using Harness.Output;
using Harness.Sinks;
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
/// <param name="Resume">Continue the experiment in an existing folder: finished runs are kept, unfinished ones go on from their last checkpoint.</param>
public sealed record RunSettings(string Folder, Device Device, bool Force, string CommandLine, GridShard? Shard = null, bool Resume = false)
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
    /// forced (then replaces it) or resuming. A shard shares the folder with the other shards: it refuses a folder that holds a
    /// different experiment, and refuses to overwrite its own runs unless forced (then replaces only those) or resuming.
    /// Resuming refuses a folder that holds a different experiment (config.resolved.json differs) or none.
    /// </summary>
    public static void PrepareFolder(RunSettings settings, ExperimentConfig config, ExperimentPlan plan)
    {
        var folder = settings.Folder;
        if (settings.Resume && settings.Force)
            throw new ExperimentSetupException("--resume and --force exclude each other: --resume keeps the results folder, --force replaces it.");
        if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any())
        {
            var resolved = Path.Combine(folder, "config.resolved.json");
            if (settings.Resume)
            {
                if (!File.Exists(resolved))
                    throw new ExperimentSetupException($"results folder '{folder}' has no config.resolved.json, so it holds no experiment to resume; pass --force to replace it, or --output to write elsewhere.");
                if (!SameExperiment(File.ReadAllText(resolved), config))
                    throw new ExperimentSetupException($"results folder '{folder}' holds a different experiment (its config.resolved.json differs from this config and overrides); --resume needs the same experiment.");
                // Temporary files a killed process left behind: in this process's own run folders always, in the
                // shared top folder only when no other shard can be writing there.
                foreach (var run in plan.Runs)
                    AtomicFile.RemoveStaleTemporaries(Path.Combine(folder, "runs", run.Id));
                if (!settings.Part.IsPartial)
                {
                    AtomicFile.RemoveStaleTemporaries(folder);
                    foreach (var probe in Directory.EnumerateFiles(folder, ".write-test-*")) File.Delete(probe);
                }
            }
            else if (!settings.Part.IsPartial)
            {
                if (!settings.Force)
                    throw new ExperimentSetupException($"results folder '{folder}' already exists; pass --force to replace it, --resume to finish its unfinished runs, or --output to write elsewhere.");
                Directory.Delete(folder, recursive: true);
            }
            else
            {
                if (File.Exists(resolved) && !SameExperiment(File.ReadAllText(resolved), config))
                    throw new ExperimentSetupException($"results folder '{folder}' holds a different experiment (its config.resolved.json differs); shards of one grid must share one config and overrides.");
                foreach (var run in plan.Runs)
                {
                    var runFolder = Path.Combine(folder, "runs", run.Id);
                    if (!Directory.Exists(runFolder)) continue;
                    if (!settings.Force)
                        throw new ExperimentSetupException($"run '{run.Id}' of shard {settings.Part} already exists in '{folder}'; pass --force to rerun this shard's runs, or --resume to finish the unfinished ones.");
                    DeleteRun(folder, run.Id);
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

    /// <summary>
    /// Runs every planned run; returns their results in plan order. Every run checkpoints at the end of each epoch
    /// (runs/&lt;id&gt;/checkpoint/). When resuming, a run with a summary.json is read back and not trained again,
    /// a run with a checkpoint goes on from it, and any other run starts over.
    /// </summary>
    public static IReadOnlyList<RunResult> Run(ExperimentConfig config, PreparedData data, ExperimentPlan plan, RunSettings settings,
        IReadOnlyList<ITrainingObserver> observers)
    {
        var watch = Stopwatch.StartNew();
        if (config.Threads > 0) set_num_threads(config.Threads);
        AtomicFile.WriteAllText(Path.Combine(settings.Folder, "config.resolved.json"), ResolvedConfigWriter.Write(config));
        WriteExperimentInfo(config, data, settings, null);

        using var deviceData = new DeviceData(data, settings.Device);
        var trainer = new Trainer(config.Training, settings.Device, config.ConvergenceTarget);
        var checkpoints = new CheckpointStore(Path.Combine(settings.Folder, "runs"));
        // Epoch-end checkpoints are written while the next epoch trains; every run's end waits for its last one.
        using var checkpointWriter = new BackgroundCheckpointWriter(checkpoints);
        var classification = data.Task == TaskKind.Classification;
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
                    var lossName = (planned.Binding.IsBuiltIn ? BuiltInLossFactory.Prefix : "") + planned.Binding.LossName;
                    if (settings.Resume && File.Exists(Path.Combine(settings.Folder, "runs", planned.Id, "summary.json")))
                    {
                        var planInfo = new RunInfo(planned.Id, planned.Binding.DisplayName, lossName, planned.Seed, position++, plan.Runs.Count, config.Training.Epochs, "");
                        var finished = RunSummaryWriter.ReadFinished(settings.Folder, planInfo, classification, config.ConvergenceTarget);
                        checkpoints.Delete(planned.Id); // left over when a kill came between the summary and the cleanup
                        foreach (var o in observers) o.RunSkipped(finished);
                        results.Add(finished);
                        continue;
                    }
                    TrainingCheckpoint? checkpoint = null;
                    if (settings.Resume)
                    {
                        var problems = new List<string>();
                        checkpoint = checkpoints.Load(planned.Id, problems);
                        foreach (var p in problems) Console.Error.WriteLine($"notice: {p}");
                        // Nothing to go on from: the run starts over in a clean folder, as a fresh run would.
                        if (checkpoint == null) DeleteRun(settings.Folder, planned.Id);
                    }

                    var outputs = planned.Binding.Outputs;
                    var model = ModelFactory.Build(config.Model, data.FeatureShape, outputs, planned.Seed);
                    if (!snapshots.TryGetValue(outputs, out var snapshot))
                        snapshots[outputs] = snapshot = WeightSnapshot.Take(model);
                    else
                        snapshot.LoadInto(model);
                    var hash = WeightSnapshot.Hash(model);
                    // Optimizers are created by the trainer after this move: module.to replaces parameter objects.
                    model.to(settings.Device);
                    var run = new RunInfo(planned.Id, planned.Binding.DisplayName, lossName,
                        planned.Seed, position++, plan.Runs.Count, config.Training.Epochs, hash);
                    try
                    {
                        results.Add(trainer.Train(run, model, planned.Binding, deviceData, observers, checkpointWriter, checkpoint));
                    }
                    catch (InvalidDataException e) when (checkpoint != null)
                    {
                        throw new ExperimentSetupException($"run '{planned.Id}' cannot resume from its checkpoint: {e.Message}. Delete '{checkpoints.FolderOf(planned.Id)}' to train the run from the start.");
                    }
                    model.Dispose();
                }
            }
            finally
            {
                foreach (var s in snapshots.Values) s.Dispose();
            }
        }
        checkpointWriter.Flush();
        WriteExperimentInfo(config, data, settings, watch.Elapsed.TotalSeconds);
        return results;
    }

    /// <summary>
    /// True when a results folder's config.resolved.json describes the same experiment as <paramref name="config"/>:
    /// every key equal except <c>output</c> (where the folder is, which a moved folder or another working directory
    /// changes without changing the experiment).
    /// </summary>
    public static bool SameExperiment(string resolvedJson, ExperimentConfig config)
    {
        System.Text.Json.Nodes.JsonNode? existing;
        try { existing = System.Text.Json.Nodes.JsonNode.Parse(resolvedJson); }
        catch (JsonException) { return false; }
        var current = System.Text.Json.Nodes.JsonNode.Parse(ResolvedConfigWriter.Write(config));
        if (existing is not System.Text.Json.Nodes.JsonObject a || current is not System.Text.Json.Nodes.JsonObject b) return false;
        a.Remove("output");
        b.Remove("output");
        return System.Text.Json.Nodes.JsonNode.DeepEquals(a, b);
    }

    /// <summary>Removes a run's folder and its TensorBoard events.</summary>
    static void DeleteRun(string folder, string runId)
    {
        var runFolder = Path.Combine(folder, "runs", runId);
        if (Directory.Exists(runFolder)) Directory.Delete(runFolder, recursive: true);
        var events = Path.Combine(folder, "tensorboard", runId);
        if (Directory.Exists(events)) Directory.Delete(events, recursive: true);
    }

    /// <summary>What the results' reproducibility rests on, and what breaks it, for experiment.json.</summary>
    public static string Determinism(Device device) => device.type == DeviceType.CUDA
        ? "Not bit-reproducible: CUDA kernels (cuBLAS, cuDNN algorithm choice, atomic adds in reductions and backward passes) are not " +
          "guaranteed deterministic, and TorchSharp cannot switch on libtorch's deterministic algorithms. Seeds, initial weights and " +
          "batch orders are still identical across losses and repeats. A run resumed from a checkpoint reseeds the CUDA generator " +
          "(dropout) from (seed, epoch), since TorchSharp cannot read its state."
        : "CPU runs are bit-reproducible (metrics.csv timing columns aside) for the same config, seeds, thread count ('threads' " +
          "above), TorchSharp/libtorch version and CPU instruction set, across processes and across kill and --resume (checkpoints " +
          "hold the exact weights, optimizer state and generator state). A different thread count, libtorch build or CPU (MKL/oneDNN " +
          "pick kernels by instruction set) changes the low bits of floating-point sums and so the results.";

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
            resumed = settings.Resume,
            finished = seconds.HasValue,
            seconds = seconds is { } s ? Math.Round(s, 2) : (double?)null,
            determinism = Determinism(settings.Device),
        };
        AtomicFile.WriteAllText(Path.Combine(settings.Folder, "experiment.json"),
            JsonSerializer.Serialize(info, new JsonSerializerOptions { WriteIndented = true }));
    }
}

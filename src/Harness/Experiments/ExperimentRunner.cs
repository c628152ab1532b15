using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Harness.Config;
using Harness.Data;
using Harness.Metrics;
using Harness.Models;
using Harness.Output;
using Harness.Results;
using Harness.Training;
using TorchSharp;
using static System.FormattableString;
using static TorchSharp.torch;

namespace Harness.Experiments;

/// <summary>Where and how to run a loaded experiment.</summary>
/// <param name="Folder">The experiment's results folder (output root / name).</param>
/// <param name="Device">The training device.</param>
/// <param name="Force">Replace an existing results folder.</param>
/// <param name="CommandLine">The command that started the run, recorded in experiment.json.</param>
/// <param name="Shard">The part of the grid this process runs (all of it by default).</param>
/// <param name="Resume">Continue the experiment in an existing folder: finished runs are kept, unfinished ones go on from their last checkpoint.</param>
/// <param name="Locks">The folder's locks, held by the caller; grid-level files are written under their short lock (none in tests that run alone).</param>
/// <param name="Log">Where the runner says what it is doing (phases, the rates tuning chose); null: standard output.</param>
/// <param name="AutoThreads">Torch threads when the config leaves them to the machine (0: libtorch's default); --jobs gives
/// each worker its share of the cores.</param>
/// <param name="Jobs">How many runs train at once, each on its own thread of this process (--jobs).</param>
/// <param name="TuningWait">How long a shard waits for the tuning runs other shards train before it chooses the rates
/// (--wait-for-tuning); zero: it does not wait, and leaves the evaluation runs of losses whose tuning is not complete
/// for a later --resume.</param>
public sealed record RunSettings(string Folder, Device Device, bool Force, string CommandLine, GridShard? Shard = null, bool Resume = false,
    ResultsFolderLocks? Locks = null, TextWriter? Log = null, int AutoThreads = 0, int Jobs = 1, TimeSpan TuningWait = default)
{
    /// <summary>The log, never null.</summary>
    public TextWriter Output => Log ?? Console.Out;

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
    /// forced (then moves it aside, see <see cref="ReplacedResults"/>) or resuming. A shard shares the folder with the other
    /// shards: it refuses a folder that holds a different experiment, and refuses to overwrite its own runs unless forced
    /// (then moves only those aside) or resuming.
    /// Resuming refuses a folder that holds a different experiment (config.resolved.json differs) or none. --force
    /// refuses a folder without the harness's marker (<see cref="ResultsFolderMarker"/>). A folder the harness creates
    /// gets the marker first. Returns the moved-aside old results of a forced run (the caller commits or restores them).
    /// </summary>
    public static ReplacedResults? PrepareFolder(RunSettings settings, ExperimentConfig config, ExperimentPlan plan)
    {
        var folder = settings.Folder;
        if (settings.Resume && settings.Force)
            throw new ExperimentSetupException("--resume and --force exclude each other: --resume keeps the results folder, --force replaces it.");
        if (File.Exists(folder))
            throw new ExperimentSetupException($"results folder '{folder}' is a file; pass --output with a folder.");
        ReplacedResults? replaced = null;
        var fresh = !Directory.Exists(folder) || !Directory.EnumerateFileSystemEntries(folder).Any();
        var layout = new ResultsLayout(folder);
        if (!fresh)
        {
            var resolved = layout.ResolvedConfig;
            if (settings.Force && !ResultsFolderMarker.IsOn(folder))
                throw new ExperimentSetupException($"results folder '{folder}' was not created by the harness (it has no {ResultsFolderMarker.FileName} " +
                                                   "marker), so --force will not delete anything in it; move it away yourself, " +
                                                   "or pass --output to write elsewhere.");
            if (settings.Resume)
            {
                if (!File.Exists(resolved))
                    throw new ExperimentSetupException($"results folder '{folder}' has no config.resolved.json, so it holds no experiment to resume; " +
                                                       "pass --force to replace it, or --output to write elsewhere.");
                if (!SameExperiment(File.ReadAllText(resolved), config))
                    throw new ExperimentSetupException($"results folder '{folder}' holds a different experiment (its config.resolved.json differs from this " +
                                                       "config and overrides); --resume needs the same experiment.");
                // Temporary files a killed process left behind: in this process's own run folders always, in the
                // shared top folder only when no other shard can be writing there.
                FileSystemException.Guard("clean up temporary files in", folder, () =>
                {
                    foreach (var run in plan.Runs)
                        AtomicFile.RemoveStaleTemporaries(layout.RunFolder(run.Id));
                    if (!settings.Part.IsPartial)
                    {
                        AtomicFile.RemoveStaleTemporaries(folder);
                        foreach (var probe in Directory.EnumerateFiles(folder, ".write-test-*")) File.Delete(probe);
                    }
                });
            }
            else if (!settings.Part.IsPartial)
            {
                if (!settings.Force)
                    throw new ExperimentSetupException($"results folder '{folder}' already exists; pass --force to replace it, " +
                                                       "--resume to finish its unfinished runs, or --output to write elsewhere.");
                replaced = ReplacedResults.MoveAside(folder);
                fresh = true;
            }
            else
            {
                if (File.Exists(resolved) && !SameExperiment(File.ReadAllText(resolved), config))
                    throw new ExperimentSetupException($"results folder '{folder}' holds a different experiment (its config.resolved.json differs); " +
                                                       "shards of one grid must share one config and overrides.");
                var existing = plan.Runs.FirstOrDefault(run => Directory.Exists(layout.RunFolder(run.Id)));
                if (existing != null && !settings.Force)
                    throw new ExperimentSetupException($"run '{existing.Id}' of shard {settings.Part} already exists in '{folder}'; " +
                                                       "pass --force to rerun this shard's runs, or --resume to finish the unfinished ones.");
                replaced = ReplacedResults.MoveRunsAside(folder, plan.Runs.Select(run => run.Id));
            }
        }
        try
        {
            FileSystemException.Guard("create the results folder", folder, () =>
            {
                Directory.CreateDirectory(folder);
                if (fresh) ResultsFolderMarker.Write(folder, settings.CommandLine);
                else
                {
                    var probe = Path.Combine(folder, $".write-test-{Environment.ProcessId}");
                    File.WriteAllText(probe, "");
                    File.Delete(probe);
                }
            });
        }
        catch
        {
            replaced?.Restore();
            throw;
        }
        return replaced;
    }

    /// <summary>Runs every planned run with the same prepared data for every seed (tests and benchmarks that build the data themselves).</summary>
    public static IReadOnlyList<RunResult> Run(ExperimentConfig config, PreparedData data, ExperimentPlan plan, RunSettings settings,
        IReadOnlyList<ITrainingObserver> observers) => Run(config, SeedData.Fixed(data), plan, settings, observers);

    /// <summary>
    /// Runs every planned run; returns their results in plan order. Tuning runs (if the config lists candidate rates)
    /// come first; then each loss's evaluation runs train with the rate its tuning runs chose by validation score. Every
    /// run checkpoints at the ends of epochs (runs/&lt;id&gt;/checkpoint/; which ones: training.checkpointEvery). When resuming, a run with a summary.json is
    /// read back and not trained again, a run with a checkpoint goes on from it, and any other run starts over.
    /// </summary>
    public static IReadOnlyList<RunResult> Run(ExperimentConfig config, SeedData data, ExperimentPlan plan, RunSettings settings,
        IReadOnlyList<ITrainingObserver> observers)
    {
        var watch = Stopwatch.StartNew();
        if (config.Threads > 0) set_num_threads(config.Threads);
        else if (settings.AutoThreads > 0) set_num_threads(settings.AutoThreads);
        using (settings.Locks?.GridFiles())
        {
            AtomicFile.WriteAllText(new ResultsLayout(settings.Folder).ResolvedConfig, ResolvedConfigWriter.Write(config));
            WriteExperimentInfo(config, data.First, settings, null);
        }

        var checkpoints = new CheckpointStore(new ResultsLayout(settings.Folder));
        var jobs = Math.Max(1, settings.Jobs);
        using var workers = new RunWorkers(jobs, checkpoints);
        var shared = jobs > 1 ? observers.Select(o => (ITrainingObserver)new LockedObserver(o)).ToList() : observers;
        var context = new RunContext(config, data, plan, settings, shared, checkpoints, workers);
        var results = new List<RunResult>();
        var tuning = plan.Runs.Where(r => r.Tuning).ToList();
        if (tuning.Count > 0)
        {
            var started = Stopwatch.StartNew();
            results.AddRange(context.RunAll(tuning, r => r.LearningRate));
            settings.Output.WriteLine(Invariant($"tuning: {tuning.Count} runs in {started.Elapsed.TotalSeconds:0.0} s ") +
                                      Invariant($"({results.Count(r => r.Convergence.Diverged)} diverged)"));
        }

        var rates = ChooseRates(context, results);
        var evaluation = plan.Runs.Where(r => !r.Tuning && rates.GetValueOrDefault(r.Binding) != null).ToList();
        var watchEvaluation = Stopwatch.StartNew();
        var evaluated = context.RunAll(evaluation, r => rates[r.Binding]);
        results.AddRange(evaluated);
        settings.Output.WriteLine(Invariant($"evaluation: {evaluation.Count} runs in {watchEvaluation.Elapsed.TotalSeconds:0.0} s ") +
                                  Invariant($"({evaluated.Count(r => r.Convergence.Diverged)} diverged)"));
        workers.Flush();
        using (settings.Locks?.GridFiles())
            WriteExperimentInfo(config, data.First, settings, watch.Elapsed.TotalSeconds);
        return results;
    }

    /// <summary>
    /// Each loss's learning rate: the config's without tuning, else the one its tuning runs choose (all of them, from every
    /// shard: those not run by this process are read from the folder). A loss whose tuning is not complete gets none, and
    /// its evaluation runs wait for a later --resume.
    /// </summary>
    static Dictionary<LossBinding, double?> ChooseRates(RunContext context, IReadOnlyList<RunResult> tuned)
    {
        var config = context.Config;
        var rates = new Dictionary<LossBinding, double?>();
        var bindings = context.Plan.Grid.Select(r => r.Binding).Distinct().ToList();
        if (config.Tuning.LearningRates.Count == 0)
        {
            foreach (var b in bindings) rates[b] = config.Training.Optimizer.LearningRate;
            return rates;
        }
        var byId = tuned.ToDictionary(r => r.Run.Id);
        if (context.Settings.TuningWait > TimeSpan.Zero) WaitForOtherShards(context, byId);
        bool higher = SelectionRule.HigherIsBetter(context.Classification, context.SelectByLoss);
        foreach (var binding in bindings)
        {
            var outcomes = new List<TuningOutcome>();
            int missing = 0, all = 0;
            foreach (var run in context.Plan.Grid.Where(r => r.Tuning && r.Binding == binding))
            {
                all++;
                var result = byId.GetValueOrDefault(run.Id) ?? context.ReadFinishedOrNull(run);
                if (result == null) { missing++; continue; }
                outcomes.Add(new TuningOutcome(run.LearningRate!.Value, run.Seed,
                    result.Convergence.Diverged ? null : result.Convergence.SelectedValidationScore));
            }
            if (missing > 0)
            {
                Console.Error.WriteLine($"notice: {binding.DisplayName}: {missing} of its {all} tuning runs are not finished " +
                                        "(they failed, or belong to other shards); " +
                                        "its evaluation runs wait: run again with --resume once every tuning run has finished.");
                rates[binding] = null;
                continue;
            }
            var choice = LearningRateSelection.Choose(config.Tuning.LearningRates, outcomes, higher);
            rates[binding] = choice.Chosen;
            var described = string.Join(", ", choice.Candidates.Select(c =>
                $"{Fmt(c.LearningRate)}: {(double.IsFinite(c.Mean) ? c.Mean.ToString("0.0000", CultureInfo.InvariantCulture) : "diverged")}"));
            context.Log.WriteLine($"  {binding.DisplayName} trains with learning rate {Fmt(choice.Chosen)} " +
                              $"(mean {SelectionRule.Describe(context.Classification, context.SelectByLoss)} " +
                              $"over {config.Tuning.Seeds.Count} tuning seed(s): {described})" +
                              (choice.AllDiverged ? "; every candidate diverged on some seed, so the first was taken" : ""));
        }
        return rates;
    }

    /// <summary>
    /// Polls the folder until every tuning run this process did not train has ended in another shard (finished or
    /// failed), or <see cref="RunSettings.TuningWait"/> has passed: shards of a cluster job start together, so the
    /// tuning runs of all of them end at about the same time, and a shard that waits for them trains its evaluation runs
    /// in the same pass instead of leaving them for a second one.
    /// </summary>
    static void WaitForOtherShards(RunContext context, Dictionary<string, RunResult> trainedHere)
    {
        var layout = context.Layout;
        bool Ended(PlannedRun r) => RunFiles.IsFinished(layout, r.Id) || RunFiles.IsFailed(layout, r.Id);
        var pending = context.Plan.Grid.Where(r => r.Tuning && !trainedHere.ContainsKey(r.Id) && !Ended(r)).ToList();
        if (pending.Count == 0) return;
        var limit = context.Settings.TuningWait;
        context.Log.WriteLine(Invariant($"waiting for {pending.Count} tuning runs of other shards (at most {Duration(limit)})"));
        var waited = Stopwatch.StartNew();
        while (pending.Count > 0 && waited.Elapsed < limit)
        {
            Thread.Sleep(TuningPoll);
            pending.RemoveAll(Ended);
        }
        context.Log.WriteLine(pending.Count == 0
            ? Invariant($"the other shards' tuning runs ended after {waited.Elapsed.TotalSeconds:0} s")
            : Invariant($"stopped waiting after {Duration(limit)}: {pending.Count} tuning runs of other shards have not ended"));
    }

    static string Duration(TimeSpan t) => t.TotalSeconds < 120 ? Invariant($"{t.TotalSeconds:0} s") : Invariant($"{t.TotalMinutes:0.#} min");

    /// <summary>How often a waiting shard looks at the folder (a read of a few summary files on shared storage).</summary>
    static readonly TimeSpan TuningPoll = TimeSpan.FromSeconds(1);

    static string Fmt(double v) => v.ToString("G4", CultureInfo.InvariantCulture);

    /// <summary>
    /// What one thread that trains runs keeps from run to run: a trainer per learning rate (a trainer's checkpoint buffers
    /// serve one run at a time) and its checkpoint writer (epoch-end checkpoints are written while the next epochs
    /// train; every run's end waits for its last one).
    /// </summary>
    sealed class RunWorker(CheckpointStore checkpoints) : IDisposable
    {
        public Dictionary<double, Trainer> Trainers { get; } = [];
        public BackgroundCheckpointWriter Checkpoints { get; } = new(checkpoints, TrainingAccelerators.IdleBackgroundThread);
        public void Dispose() => Checkpoints.Dispose();
    }

    /// <summary>One <see cref="RunWorker"/> per run training at once.</summary>
    sealed class RunWorkers(int count, CheckpointStore checkpoints) : IDisposable
    {
        readonly RunWorker[] workers = [.. Enumerable.Range(0, count).Select(_ => new RunWorker(checkpoints))];

        public int Count => workers.Length;
        public RunWorker this[int index] => workers[index];

        /// <summary>Waits for every checkpoint handed over; rethrows the first failure.</summary>
        public void Flush()
        {
            foreach (var w in workers) w.Checkpoints.Flush();
        }

        public void Dispose()
        {
            foreach (var w in workers) w.Dispose();
        }
    }

    /// <summary>What every run of one `harness run` shares: the config, the data, the sinks and the checkpoint files.</summary>
    sealed class RunContext(ExperimentConfig config, SeedData data, ExperimentPlan plan, RunSettings settings, IReadOnlyList<ITrainingObserver> observers,
        CheckpointStore checkpoints, RunWorkers workers)
    {
        int position;

        public ExperimentConfig Config => config;
        public TextWriter Log => settings.Output;
        public ExperimentPlan Plan => plan;
        public RunSettings Settings => settings;
        public bool Classification => data.First.Task == TaskKind.Classification;
        public ResultsLayout Layout { get; } = new(settings.Folder);
        public bool SelectByLoss => config.Training.EarlyStopping.Metric.Trim().Equals("loss", StringComparison.OrdinalIgnoreCase);

        Trainer TrainerFor(RunWorker worker, double rate)
        {
            if (!worker.Trainers.TryGetValue(rate, out var trainer))
                worker.Trainers[rate] = trainer = new Trainer(config.Training with { Optimizer = config.Training.Optimizer with { LearningRate = rate } },
                    settings.Device, config.ConvergenceTarget, config.Calibration.TemperatureScaling, TrainingAccelerators.Instance);
            return trainer;
        }

        RunInfo Info(PlannedRun planned, double? rate, string hash, int index) => new(planned.Id, planned.Binding.DisplayName,
            planned.Binding.Reference.ToString(), planned.Seed, index, plan.Runs.Count,
            config.Training.Epochs, hash, rate, planned.Tuning);

        /// <summary>A finished run of the folder (any shard's), or null when it has no summary.json yet.</summary>
        public RunResult? ReadFinishedOrNull(PlannedRun planned)
        {
            if (!RunFiles.IsFinished(Layout, planned.Id)) return null;
            return RunFiles.ReadFinished(Layout, Info(planned, planned.LearningRate, "", position), Classification, config.ConvergenceTarget, SelectByLoss);
        }

        /// <summary>
        /// Trains (or, when resuming, reads back) <paramref name="runs"/> at the rates <paramref name="rateOf"/> gives, seed
        /// by seed, up to <see cref="RunSettings.Jobs"/> at once; runs without a rate are left for later. Each run trains as
        /// it would alone: its seed's initial weights and data order, its own dropout generator; results in that order.
        /// </summary>
        public IReadOnlyList<RunResult> RunAll(IEnumerable<PlannedRun> runs, Func<PlannedRun, double?> rateOf)
        {
            var ordered = runs.Where(r => rateOf(r) != null).GroupBy(r => r.Seed).SelectMany(g => g).ToList();
            var first = position;
            position += ordered.Count;
            using var seeds = new SeedRunSets(data, settings.Device, ordered.Select(r => r.Seed));
            var results = RunQueue.Run(workers.Count, ordered.Count, (worker, i) =>
            {
                using var seed = seeds.Enter(ordered[i].Seed);
                return RunOne(workers[worker], ordered[i], rateOf(ordered[i])!.Value, first + i, seed);
            });
            return [.. results.OfType<RunResult>()];
        }

        /// <summary>
        /// Trains one run, containing its failure: an exception inside the run (a loss that overflows, a kernel that
        /// rejects its input) marks that run failed (observers get <see cref="ITrainingObserver.RunFailed"/>; its
        /// summary.json says why) and the grid goes on; --resume retries it. File-system failures and the writer's
        /// are the environment's, not the run's: they stop the grid, leaving it resumable.
        /// </summary>
        RunResult? RunOne(RunWorker worker, PlannedRun planned, double rate, int index, SeedRunSets.Lease seed)
        {
            if (settings.Resume && RunFiles.IsFinished(Layout, planned.Id))
            {
                var finished = RunFiles.ReadFinished(Layout, Info(planned, rate, "", index), Classification, config.ConvergenceTarget, SelectByLoss);
                checkpoints.Delete(planned.Id); // left over when a kill came between the summary and the cleanup
                foreach (var o in observers) o.RunSkipped(finished);
                return finished;
            }
            TrainingCheckpoint? checkpoint = null;
            if (settings.Resume)
            {
                var problems = new List<string>();
                // A failed run is retried from the start: what failed it would most likely fail it again from its checkpoint.
                checkpoint = RunFiles.IsFailed(Layout, planned.Id) ? null : checkpoints.Load(planned.Id, problems);
                foreach (var p in problems) Console.Error.WriteLine($"notice: {p}");
                // Nothing to go on from: the run starts over in a clean folder, as a fresh run would.
                if (checkpoint == null) DeleteRun(settings.Folder, planned.Id);
            }

            var outputs = planned.Binding.Outputs;
            var model = ModelFactory.Build(config.Model, seed.Data.FeatureShape, outputs, planned.Seed);
            seed.UseInitialWeights(model, outputs);
            var hash = WeightSnapshot.Hash(model);
            // Optimizers are created by the trainer after this move: module.to replaces parameter objects.
            model.to(settings.Device);
            var run = Info(planned, rate, hash, index);
            try
            {
                return TrainerFor(worker, rate).Train(run, model, planned.Binding, seed.Device, observers, worker.Checkpoints, checkpoint);
            }
            catch (InvalidDataException e) when (checkpoint != null)
            {
                throw new ExperimentSetupException($"run '{planned.Id}' cannot resume from its checkpoint: {e.Message}. " +
                                                   $"Delete '{checkpoints.FolderOf(planned.Id)}' to train the run from the start.");
            }
            catch (Exception e) when (IsRunFailure(e))
            {
                // Checkpoints handed over before the failure are written (or their failure reported) before the run is marked.
                worker.Checkpoints.Flush();
                var error = $"{e.GetType().Name}: {e.Message}";
                Console.Error.WriteLine($"error: run '{planned.Id}' failed: {error}");
                foreach (var o in observers) o.RunFailed(run, error);
                return null;
            }
            finally
            {
                model.Dispose();
            }
        }
    }

    /// <summary>
    /// The failures a run contains: what libtorch (ExternalException), a loss or the numerics throw for this run's
    /// values. Anything else (file-system failures, a checkpoint that cannot be read, a harness bug, an observer that
    /// stops the process) ends the grid as before.
    /// </summary>
    static bool IsRunFailure(Exception e) => e is System.Runtime.InteropServices.ExternalException or ArgumentException or ArithmeticException
        or InvalidOperationException or NotSupportedException or IndexOutOfRangeException or KeyNotFoundException;

    /// <summary>
    /// True when a results folder's config.resolved.json describes the same experiment as <paramref name="config"/>:
    /// every key equal except <c>output</c> (where the folder is, which a moved folder or another working directory
    /// changes without changing the experiment), <c>jobs</c> (how many runs train at once) and
    /// <c>training.checkpointEvery</c> (which epochs are checkpointed), which leave every result as it is.
    /// </summary>
    public static bool SameExperiment(string resolvedJson, ExperimentConfig config)
    {
        System.Text.Json.Nodes.JsonNode? existing;
        try { existing = System.Text.Json.Nodes.JsonNode.Parse(resolvedJson); }
        catch (JsonException) { return false; }
        var current = System.Text.Json.Nodes.JsonNode.Parse(ResolvedConfigWriter.Write(config));
        if (existing is not System.Text.Json.Nodes.JsonObject a || current is not System.Text.Json.Nodes.JsonObject b) return false;
        foreach (var how in new[] { "output", "jobs" })
        {
            a.Remove(how);
            b.Remove(how);
        }
        (a["training"] as System.Text.Json.Nodes.JsonObject)?.Remove("checkpointEvery");
        (b["training"] as System.Text.Json.Nodes.JsonObject)?.Remove("checkpointEvery");
        return System.Text.Json.Nodes.JsonNode.DeepEquals(a, b);
    }

    /// <summary>Removes a run's folder and its TensorBoard events.</summary>
    static void DeleteRun(string folder, string runId)
    {
        var layout = new ResultsLayout(folder);
        var runFolder = layout.RunFolder(runId);
        FileSystemException.Guard("delete the run folder", runFolder, () => { if (Directory.Exists(runFolder)) Directory.Delete(runFolder, recursive: true); });
        var events = layout.TensorBoard(runId);
        FileSystemException.Guard("delete the TensorBoard events in", events,
            () => { if (Directory.Exists(events)) Directory.Delete(events, recursive: true); });
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
        var provenance = Provenance.Collect(Environment.CurrentDirectory, settings.Folder);
        var info = new ExperimentInfo
        {
            Name = config.Name,
            Description = config.Description,
            Command = settings.CommandLine,
            Device = settings.Device.type.ToString().ToLowerInvariant(),
            Threads = provenance.Threads,
            GitCommit = provenance.GitCommit,
            GitDirty = provenance.GitDirty,
            TorchSharp = provenance.TorchSharp,
            LibTorch = provenance.LibTorch,
            Cpu = provenance.Cpu,
            VectorExtensions = provenance.VectorExtensions,
            Dotnet = Environment.Version.ToString(),
            Os = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
            Processors = Environment.ProcessorCount,
            Dataset = new Harness.Results.ExperimentDataset
            {
                Name = data.Name,
                Source = data.Source,
                Task = data.Task.ToString().ToLowerInvariant(),
                Classes = data.ClassCount,
                FeatureShape = data.FeatureShape,
                // Sizes and notes of the first seed's data; other seeds draw their own split of the same sizes.
                Train = data.Train.Count,
                Validation = data.Validation.Count,
                Test = data.Test.Count,
                DataSeed = config.Dataset.Seed is { } fixedSeed
                    ? $"fixed: dataset.seed = {fixedSeed}"
                    : "per run seed: each seed draws its own split and corruption",
                ValidationCorruption = data.ValidationCorrupted ? "corrupted like the training split" : "clean",
                Notes = data.Notes,
            },
            Selection = SelectionRule.Describe(data.Task == TaskKind.Classification,
                config.Training.EarlyStopping.Metric.Trim().Equals("loss", StringComparison.OrdinalIgnoreCase)),
            Shard = settings.Part.ToString(),
            Resumed = settings.Resume,
            Finished = seconds.HasValue,
            Seconds = seconds,
            Determinism = Determinism(settings.Device),
        };
        ExperimentInfoFile.Write(new ResultsLayout(settings.Folder).ExperimentInfo, info);
    }
}

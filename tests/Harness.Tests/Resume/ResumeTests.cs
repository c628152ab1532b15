using System.Text.Json.Nodes;
using Harness.Config;
using Harness.Data;
using Harness.Experiments;
using Harness.Metrics;
using Harness.Reporting;
using Harness.Sinks;
using Harness.Tests.Experiments;
using Harness.Tests.Sinks;
using Harness.Training;
using Xunit;
using static TorchSharp.torch;

namespace Harness.Tests.Resume;

/// <summary>
/// Crash and resume in process: a run interrupted at a chosen point (after an epoch's checkpoint, or after its
/// metrics.csv but before its checkpoint, or after the last checkpoint but before the summary) and resumed gives
/// exactly the results of an uninterrupted run, for every optimizer and schedule.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public class ResumeTests
{
    sealed class SimulatedCrash : Exception;

    /// <summary>Where the "process dies": throwing from an observer unwinds the runner as a kill would stop it.</summary>
    public enum CrashPoint { AfterCheckpoint, BeforeCheckpoint, BeforeSummary }

    sealed class Crasher(string runId, int epoch, CrashPoint point) : ITrainingObserver
    {
        public void BatchCompleted(RunInfo run, int e, int batch, int batches)
        {
            // First batch of the next epoch: the checkpoint of `epoch` is on disk.
            if (point == CrashPoint.AfterCheckpoint && run.Id == runId && e == epoch + 1 && batch == 1) throw new SimulatedCrash();
        }

        public void EpochCompleted(RunInfo run, EpochMetrics m)
        {
            // metrics.csv has this epoch (the sink runs first), its checkpoint is not written yet.
            if (point == CrashPoint.BeforeCheckpoint && run.Id == runId && m.Epoch == epoch) throw new SimulatedCrash();
        }

        public void RunCompleted(RunResult result)
        {
            if (point == CrashPoint.BeforeSummary && result.Run.Id == runId) throw new SimulatedCrash();
        }
    }

    static ExperimentConfig Grid(TrainingConfig training) => new()
    {
        Name = "resume",
        Dataset = new DatasetConfig { Name = "digits", TrainLimit = 300 },
        Model = new ModelConfig { Kind = "mlp", Hidden = [16], Dropout = 0.2, BatchNorm = true },
        Training = training,
        Seeds = [5],
        Losses =
        [
            new LossEntryConfig { Loss = "cross-entropy", DisplayName = "ce" },
            new LossEntryConfig { Loss = "focal", DisplayName = "focal" },
        ],
        ConvergenceTarget = 0.5,
    };

    /// <summary>
    /// (optimizer, schedule, where, epoch, checkpointEvery). With a cadence of 2 the crash comes after epoch 3's row,
    /// between checkpoints: the resumed run trains epoch 3 again, and metrics.csv must hold it once.
    /// </summary>
    public static TheoryData<string, string, CrashPoint, int, int> Cases => new()
    {
        { "sgd", "step", CrashPoint.AfterCheckpoint, 2, 1 },
        { "sgd", "step", CrashPoint.BeforeCheckpoint, 3, 1 },
        { "adam", "cosine", CrashPoint.AfterCheckpoint, 1, 1 },
        { "adam", "cosine", CrashPoint.BeforeCheckpoint, 4, 1 },
        { "adamw", "cosine", CrashPoint.AfterCheckpoint, 3, 1 },
        { "rmsprop", "step", CrashPoint.AfterCheckpoint, 2, 1 },
        { "adam", "none", CrashPoint.BeforeSummary, 4, 1 },
        { "adam", "cosine", CrashPoint.BeforeCheckpoint, 3, 2 },
        { "sgd", "step", CrashPoint.AfterCheckpoint, 3, 2 },
    };

    static TrainingConfig Training(string optimizer, string schedule, int checkpointEvery = 1) => new()
    {
        Epochs = 4,
        CheckpointEvery = checkpointEvery,
        BatchSize = 32,
        Optimizer = new OptimizerConfig
        {
            Name = optimizer, LearningRate = optimizer == "sgd" ? 0.05 : 0.003, Momentum = optimizer is "sgd" or "rmsprop" ? 0.9 : 0,
            Nesterov = optimizer == "sgd", WeightDecay = 1e-4,
        },
        Schedule = new ScheduleConfig { Name = schedule, StepSize = 1, Gamma = 0.7 },
        GradientClipNorm = optimizer == "sgd" ? 1.0 : 0,
        EarlyStopping = new EarlyStoppingConfig { Enabled = true, Patience = 3, Metric = "loss", MinDelta = 0 },
    };

    static IReadOnlyList<RunResult> RunGrid(ExperimentConfig config, PreparedData data, string folder, bool resume, params ITrainingObserver[] extra)
    {
        var plan = ExperimentPlan.Create(config, data);
        var settings = new RunSettings(folder, CPU, false, "test", Resume: resume);
        ExperimentRunner.PrepareFolder(settings, config, plan);
        ITrainingObserver[] sinks = [new MetricsCsvSink(new Harness.Results.ResultsLayout(folder)), new RunSummaryWriter(folder, classification: true)];
        // The crasher goes first, so a crash "before the summary" comes before the summary writer.
        return ExperimentRunner.Run(config, data, plan, settings, [.. extra, .. sinks]);
    }

    /// <summary>An epoch without its timing fields (the only ones a resume may change).</summary>
    static EpochMetrics Untimed(EpochMetrics m) =>
        m with { EpochSeconds = 0, SamplesPerSecond = 0, ComputeSeconds = 0, DataSeconds = 0, EvaluationSeconds = 0 };

    internal static string UntimedSummary(string json)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        node.Remove("seconds");
        node.Remove("secondsToTarget");
        return node.ToJsonString();
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void An_interrupted_grid_resumes_to_exactly_the_uninterrupted_results(string optimizer, string schedule, CrashPoint point, int epoch,
        int checkpointEvery)
    {
        var config = Grid(Training(optimizer, schedule, checkpointEvery));
        var straight = Path.Combine(Path.GetTempPath(), "resume-a-" + Guid.NewGuid().ToString("N"));
        var interrupted = Path.Combine(Path.GetTempPath(), "resume-b-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var data = DatasetLoader.Load(config.Dataset, RepositoryPaths.Root);
            var expected = RunGrid(config, data, straight, resume: false);
            Assert.All(expected, r => Assert.False(Directory.Exists(Path.Combine(straight, "runs", r.Run.Id, "checkpoint")), "checkpoint left after the run"));

            // The second run of the grid crashes; the first is finished and must be kept, not retrained.
            Assert.Throws<SimulatedCrash>(() => RunGrid(config, data, interrupted, resume: false, new Crasher("focal-seed5", epoch, point)));
            Assert.True(File.Exists(Path.Combine(interrupted, "runs", "ce-seed5", "summary.json")));
            Assert.False(File.Exists(Path.Combine(interrupted, "runs", "focal-seed5", "summary.json")));
            var checkpoint = Assert.Single(Directory.GetFiles(Path.Combine(interrupted, "runs", "focal-seed5", "checkpoint"), "*.ckpt"));
            // The newest checkpointed epoch the crash left: a multiple of the cadence, never the final epoch.
            var resumedFrom = point == CrashPoint.BeforeCheckpoint ? epoch - 1 : epoch;
            resumedFrom = Math.Min(resumedFrom - resumedFrom % checkpointEvery, config.Training.Epochs - 1);
            Assert.EndsWith($"epoch-{resumedFrom:D4}.ckpt", checkpoint);
            var finishedBefore = File.ReadAllText(Path.Combine(interrupted, "runs", "ce-seed5", "metrics.csv"));

            var recorder = new GridRecorder();
            var resumed = RunGrid(config, data, interrupted, resume: true, recorder);

            // Only the unfinished run trained, from the epoch after its checkpoint.
            Assert.Equal(["focal-seed5"], recorder.Started.Select(r => r.Id));
            Assert.Equal(Enumerable.Range(resumedFrom + 1, Math.Max(0, expected[1].History.Count - resumedFrom)),
                recorder.Epochs["focal-seed5"].Select(m => m.Epoch));
            Assert.Equal(finishedBefore, File.ReadAllText(Path.Combine(interrupted, "runs", "ce-seed5", "metrics.csv")));

            Assert.Equal(expected.Count, resumed.Count);
            for (int i = 0; i < expected.Count; i++)
            {
                Assert.Equal(expected[i].Run with { Index = 0 }, resumed[i].Run with { Index = 0 });
                Assert.Equal(expected[i].History.Select(Untimed), resumed[i].History.Select(Untimed));
                Assert.Equal(expected[i].Convergence with { SecondsToTarget = null }, resumed[i].Convergence with { SecondsToTarget = null });
                Assert.Equal(expected[i].DivergenceNote, resumed[i].DivergenceNote);
                Assert.Equal(expected[i].TestRecallPerClass, resumed[i].TestRecallPerClass);
            }
            foreach (var run in expected.Select(r => r.Run.Id))
            {
                string Read(string root, string file) => File.ReadAllText(Path.Combine(root, "runs", run, file));
                Assert.Equal(UntimedMetricsCsv.Of(Read(straight, "metrics.csv")), UntimedMetricsCsv.Of(Read(interrupted, "metrics.csv")));
                Assert.Equal(UntimedSummary(Read(straight, "summary.json")), UntimedSummary(Read(interrupted, "summary.json")));
                Assert.False(Directory.Exists(Path.Combine(interrupted, "runs", run, "checkpoint")));
            }
            Assert.Empty(Directory.GetFiles(interrupted, "*.tmp", SearchOption.AllDirectories));
        }
        finally
        {
            foreach (var f in new[] { straight, interrupted })
                if (Directory.Exists(f)) Directory.Delete(f, true);
        }
    }

    [Fact]
    public void Resume_refuses_a_different_experiment_a_folder_without_one_and_force()
    {
        var config = Grid(Training("adam", "none"));
        var folder = Path.Combine(Path.GetTempPath(), "resume-c-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var data = DatasetLoader.Load(config.Dataset, RepositoryPaths.Root);
            var plan = ExperimentPlan.Create(config, data);
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, "notes.txt"), "not an experiment");
            var e = Assert.Throws<ExperimentSetupException>(() =>
                ExperimentRunner.PrepareFolder(new RunSettings(folder, CPU, false, "t", Resume: true), config, plan));
            Assert.Contains("no config.resolved.json", e.Message);

            File.WriteAllText(Path.Combine(folder, "config.resolved.json"), ResolvedConfigWriter.Write(config with { Seeds = [6] }));
            e = Assert.Throws<ExperimentSetupException>(() =>
                ExperimentRunner.PrepareFolder(new RunSettings(folder, CPU, false, "t", Resume: true), config, plan));
            Assert.Contains("different experiment", e.Message);
            e = Assert.Throws<ExperimentSetupException>(() =>
                ExperimentRunner.PrepareFolder(new RunSettings(folder, CPU, false, "t", GridShard.Parse("1/2"), Resume: true), config, plan));
            Assert.Contains("different experiment", e.Message);
            e = Assert.Throws<ExperimentSetupException>(() =>
                ExperimentRunner.PrepareFolder(new RunSettings(folder, CPU, true, "t", Resume: true), config, plan));
            Assert.Contains("exclude each other", e.Message);
            Assert.True(File.Exists(Path.Combine(folder, "notes.txt")), "a refused resume touched the folder");

            // The same experiment is accepted; a missing folder is simply a fresh start.
            File.WriteAllText(Path.Combine(folder, "config.resolved.json"), ResolvedConfigWriter.Write(config));
            ExperimentRunner.PrepareFolder(new RunSettings(folder, CPU, false, "t", Resume: true), config, plan);
            ExperimentRunner.PrepareFolder(new RunSettings(folder + "-new", CPU, false, "t", Resume: true), config, plan);
            Directory.Delete(folder + "-new", true);
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, true);
        }
    }

    [Fact]
    public void A_damaged_checkpoint_is_detected_and_the_previous_one_or_a_fresh_start_is_used()
    {
        var config = Grid(Training("adam", "none")) with { Losses = [new LossEntryConfig { Loss = "cross-entropy", DisplayName = "ce" }] };
        var folder = Path.Combine(Path.GetTempPath(), "resume-d-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var data = DatasetLoader.Load(config.Dataset, RepositoryPaths.Root);
            Assert.Throws<SimulatedCrash>(() => RunGrid(config, data, folder, resume: false, new Crasher("ce-seed5", 2, CrashPoint.AfterCheckpoint)));
            var store = new CheckpointStore(new Harness.Results.ResultsLayout(folder));
            var good = Assert.Single(Directory.GetFiles(store.FolderOf("ce-seed5")));
            var bytes = File.ReadAllBytes(good);
            var checkpoint = TrainingCheckpoint.FromBytes(bytes);
            Assert.Equal(2, checkpoint.Epoch);
            Assert.Equal(2, checkpoint.History.Count);

            // Every truncation and a flipped bit anywhere are caught by the checksum.
            foreach (var length in new[] { 0, 10, bytes.Length / 2, bytes.Length - 1 })
                Assert.Throws<InvalidDataException>(() => TrainingCheckpoint.FromBytes(bytes[..length]));
            foreach (var at in new[] { 30, bytes.Length / 3, bytes.Length - 40 })
            {
                var flipped = (byte[])bytes.Clone();
                flipped[at] ^= 0x10;
                Assert.Throws<InvalidDataException>(() => TrainingCheckpoint.FromBytes(flipped));
            }

            // A damaged newer checkpoint next to an intact older one (a kill between writing and deleting): the older is used.
            File.WriteAllBytes(Path.Combine(store.FolderOf("ce-seed5"), "epoch-0003.ckpt"), bytes[..(bytes.Length / 2)]);
            var problems = new List<string>();
            Assert.Equal(2, store.Load("ce-seed5", problems)!.Epoch);
            Assert.Contains("epoch-0003.ckpt cannot be used", Assert.Single(problems));

            // Only damaged ones: none is used, and the resumed run starts over (and ends as an uninterrupted one).
            File.Delete(good);
            problems.Clear();
            Assert.Null(store.Load("ce-seed5", problems));
            Assert.Single(problems);
            var resumed = RunGrid(config, data, folder, resume: true);
            Assert.Equal(4, resumed.Single().History.Count);
            Assert.Equal(["epoch", "1", "2", "3", "4"],
                File.ReadAllLines(Path.Combine(folder, "runs", "ce-seed5", "metrics.csv")).Select(l => l.Split(',')[0]));
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, true);
        }
    }

    [Fact]
    public void A_diverged_run_writes_its_summary_and_the_report_lists_it()
    {
        var config = Grid(Training("sgd", "none")) with
        {
            Model = new ModelConfig { Kind = "mlp", Hidden = [16] },
            Losses =
            [
                new LossEntryConfig { Loss = "cross-entropy", DisplayName = "huge", Options = new Dictionary<string, string> { ["reduction"] = "sum" } },
                new LossEntryConfig { Loss = "cross-entropy", DisplayName = "ce" },
            ],
            Training = Training("sgd", "none") with { Optimizer = new OptimizerConfig { Name = "sgd", LearningRate = 1e30 }, GradientClipNorm = 0 },
        };
        var folder = Path.Combine(Path.GetTempPath(), "resume-e-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var data = DatasetLoader.Load(config.Dataset, RepositoryPaths.Root);
            RunGrid(config, data, folder, resume: false);
            var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "runs", "huge-seed5", "summary.json")))!;
            Assert.True((bool)summary["diverged"]!);
            Assert.Contains("loss became", (string)summary["divergence"]!);
            Assert.False(Directory.Exists(Path.Combine(folder, "runs", "huge-seed5", "checkpoint")));
            var report = ExperimentReport.Write(folder);
            Assert.Contains("huge seed 5 diverged", File.ReadAllText(report.Markdown));
            // A finished (diverged) run is not retrained on resume either.
            var recorder = new GridRecorder();
            var again = RunGrid(config, data, folder, resume: true, recorder);
            Assert.Empty(recorder.Started);
            Assert.True(again[0].Convergence.Diverged);
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, true);
        }
    }

    [Fact]
    public void A_tuned_grid_interrupted_in_its_evaluation_runs_resumes_without_retraining_its_tuning_runs()
    {
        var config = Grid(Training("adam", "none") with { EarlyStopping = new EarlyStoppingConfig() }) with
        {
            Tuning = new TuningConfig { LearningRates = [1e-3, 1e-2], Seeds = [7] },
        };
        var straight = Path.Combine(Path.GetTempPath(), "resume-tune-a-" + Guid.NewGuid().ToString("N"));
        var interrupted = Path.Combine(Path.GetTempPath(), "resume-tune-b-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var data = DatasetLoader.Load(config.Dataset, RepositoryPaths.Root);
            var expected = RunGrid(config, data, straight, resume: false);
            Assert.Equal(4 + 2, expected.Count);
            Assert.Throws<SimulatedCrash>(() => RunGrid(config, data, interrupted, resume: false, new Crasher("focal-seed5", 2, CrashPoint.AfterCheckpoint)));
            var tuningSummary = Path.Combine(interrupted, "runs", "tuning", "ce-lr0.01-seed7", "summary.json");
            var written = File.GetLastWriteTimeUtc(tuningSummary);

            var trained = new List<string>();
            var resumed = RunGrid(config, data, interrupted, resume: true, new StartRecorder(trained));
            // Only the interrupted evaluation run trains again; the tuning runs are read back and choose the same rates.
            Assert.Equal(["focal-seed5"], trained);
            Assert.Equal(written, File.GetLastWriteTimeUtc(tuningSummary));
            Assert.Equal(expected.Select(r => (r.Run.Id, r.Run.LearningRate)), resumed.Select(r => (r.Run.Id, r.Run.LearningRate)));
            foreach (var r in expected.Where(r => !r.Run.Tuning))
                Assert.Equal(
                    UntimedMetricsCsv.Of(File.ReadAllText(Path.Combine(straight, "runs", r.Run.Id, "metrics.csv"))),
                    UntimedMetricsCsv.Of(File.ReadAllText(Path.Combine(interrupted, "runs", r.Run.Id, "metrics.csv"))));
        }
        finally
        {
            foreach (var folder in new[] { straight, interrupted })
                if (Directory.Exists(folder)) Directory.Delete(folder, true);
        }
    }

    sealed class StartRecorder(List<string> started) : ITrainingObserver
    {
        public void RunStarted(RunInfo run) => started.Add(run.Id);
    }
}

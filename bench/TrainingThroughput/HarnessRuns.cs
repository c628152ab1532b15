using Harness.Config;
using Harness.Experiments;
using Harness.Metrics;
using Harness.Models;
using Harness.Sinks;
using Harness.Training;
using static TorchSharp.torch;

/// <summary>
/// The harness's ways to train: the trainer alone, and the whole pipeline of <c>harness run</c> with its sinks (at its
/// defaults, and with a checkpoint after every epoch and a progress line per epoch).
/// </summary>
static class HarnessRuns
{
    /// <summary>The trainer with no observer but the benchmark's clock and no checkpoints: the training loop's own cost.</summary>
    public static void TrainerOnly(BenchSetup setup, int round)
    {
        var data = setup.Data;
        var binding = LossBinding.Create(setup.Loss, data.Task, data.ClassCount);
        var net = ModelFactory.Build(setup.Model, data.FeatureShape, binding.Outputs, seed: 0);
        using var deviceData = new DeviceData(data, CPU, TrainingAccelerators.Instance);
        var trainer = new Trainer(setup.Training, CPU, null, paths: TrainingAccelerators.Instance);
        var run = new RunInfo("bench", "CE", "cross-entropy", 0, 0, 1, setup.Training.Epochs, WeightSnapshot.Hash(net));
        trainer.Train(run, net, binding, deviceData, [new EpochClock((m, cycle) => Print("harness", setup, round, m, cycle))]);
        net.Dispose();
        binding.Module.Dispose();
    }

    /// <summary>
    /// What <c>harness run --verbose</c> does with redirected output and <c>training.checkpointEvery</c> 1: the
    /// experiment runner with a checkpoint after every epoch but the last, metrics.csv, the run and grid summaries,
    /// TensorBoard events and a progress line per epoch, in a temporary folder.
    /// </summary>
    public static void WithCliSinks(BenchSetup setup, int round) =>
        ThroughRunner(setup, round, "harness-cli", setup.Training with { CheckpointEvery = 1 }, Verbosity.Verbose);

    /// <summary>
    /// <c>harness run</c> at its defaults with redirected output: the sinks it attaches, its default checkpoint cadence
    /// (<c>training.checkpointEvery</c> 0, by time) and its default verbosity. The thread count is the table row's (the
    /// config's default, 1, in the 1-thread rows).
    /// </summary>
    public static void CliDefaults(BenchSetup setup, int round) =>
        ThroughRunner(setup, round, "harness-defaults", setup.Training with { CheckpointEvery = new TrainingConfig().CheckpointEvery }, Verbosity.Normal);

    static void ThroughRunner(BenchSetup setup, int round, string runner, TrainingConfig training, Verbosity verbosity)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"training-throughput-{Environment.ProcessId}-{setup.Arguments.Model}-{runner}-{round}");
        var config = new ExperimentConfig
        {
            Name = "training-throughput", Dataset = setup.DatasetConfig, Model = setup.Model, Training = training,
            Losses = [setup.Loss with { DisplayName = "CE" }], Seeds = [0], Threads = setup.Arguments.Threads, Output = folder,
        };
        try
        {
            var plan = ExperimentPlan.Create(config, setup.Data);
            var settings = new RunSettings(folder, CPU, Force: true, "bench/TrainingThroughput");
            ExperimentRunner.PrepareFolder(settings, config, plan);
            // The console's plain-line mode writes to a redirected stdout, flushed per line; a file stands in for the pipe.
            using var log = new StreamWriter(Path.Combine(folder, "progress.log")) { AutoFlush = true };
            ITrainingObserver[] observers =
            [
                new MetricsCsvSink(new Harness.Results.ResultsLayout(folder)), new RunSummaryWriter(folder, classification: true),
                new TensorBoardSink(new Harness.Results.ResultsLayout(folder).TensorBoardFolder, classification: true),
                new PlainLogSink(log, classification: true, verbosity),
                new EpochClock((m, cycle) => Print(runner, setup, round, m, cycle)),
            ];
            ExperimentRunner.Run(config, setup.Data, plan, settings, observers);
            foreach (var planned in plan.Runs) planned.Binding.Module.Dispose();
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    static void Print(string runner, BenchSetup setup, int round, EpochMetrics m, double cycleSeconds) => new BenchRow
    {
        Runner = runner, Model = setup.Arguments.Model, Round = round, Epoch = m.Epoch, Threads = setup.Arguments.Threads,
        Samples = setup.Data.Train.Count, SamplesPerSecond = m.SamplesPerSecond, TrainSeconds = setup.Data.Train.Count / m.SamplesPerSecond,
        EpochSeconds = cycleSeconds, ComputeSeconds = m.ComputeSeconds, DataSeconds = m.DataSeconds, EvaluationSeconds = m.EvaluationSeconds,
    }.Print();
}

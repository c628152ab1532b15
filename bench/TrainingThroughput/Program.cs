// Training throughput of the harness against a bare TorchSharp loop over the same model, batches and loss, for the
// Fashion-MNIST MLP or the harness's small CNN; where a harness epoch's time goes (forward/backward/step, evaluation,
// the harness's own overhead), with only the benchmark's observer and with the sinks the CLI attaches; resident memory
// per epoch. Run by bench/run-training-throughput.sh (which also runs the PyTorch peer and writes the table); never by
// the test suite. Prints one JSON line per measured epoch.
using System.Globalization;
using Harness.Config;
using Harness.Data;
using static TorchSharp.torch;

CultureInfo.CurrentCulture = CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
BenchArguments arguments;
try { arguments = BenchArguments.Parse(args); }
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
set_num_threads(arguments.Threads);

var dataset = new DatasetConfig
{
    Name = "fashion-mnist", ValidationFraction = 0, TrainLimit = arguments.TrainSamples, TestLimit = arguments.TestSamples,
};
using var data = DatasetLoader.Load(dataset, Environment.CurrentDirectory);
var setup = new BenchSetup(
    arguments, dataset, data,
    arguments.Model == "cnn" ? new ModelConfig { Kind = "cnn", Hidden = [128] } : new ModelConfig { Kind = "mlp", Hidden = [256, 128] },
    new TrainingConfig { Epochs = arguments.Epochs, BatchSize = 128, Optimizer = new OptimizerConfig { Name = "adam", LearningRate = 1e-3 } },
    new LossEntryConfig { Loss = "cross-entropy" });

// A process's first seconds of training run slower, whoever runs them (measured: the first runner's first 4-5 s of CNN
// epochs, by 10-25%): untimed training first keeps that out of every runner's numbers.
BareLoop.WarmUp(setup, TimeSpan.FromSeconds(6));
for (int round = 1; round <= arguments.Rounds; round++)
{
    // Alternate, so every runner sees the same machine conditions, and rotate who goes first.
    for (int i = 0; i < arguments.Runners.Count; i++)
    {
        var runner = arguments.Runners[(i + round - 1) % arguments.Runners.Count];
        switch (runner)
        {
            case "bare": BareLoop.Run(setup, round); break;
            case "harness": HarnessRuns.TrainerOnly(setup, round); break;
            case "harness-cli": HarnessRuns.WithCliSinks(setup, round); break;
            default: HarnessRuns.CliDefaults(setup, round); break;
        }
        SettleGarbage();
    }
}
return 0;

// One runner's garbage (TorchSharp's finalizable wrappers among it) is collected here, not inside the next runner's
// timed epochs: without this, gen-1 collections of 20-39 ms, and 45-60 ms more of finalizer work, landed in whichever
// runner came next (measured 2026-12-02: a trainer-only epoch's bookkeeping 70-93 ms instead of its usual 6-10 ms).
static void SettleGarbage()
{
    GC.Collect(2, GCCollectionMode.Forced, blocking: true);
    GC.WaitForPendingFinalizers();
    GC.Collect(2, GCCollectionMode.Forced, blocking: true);
}

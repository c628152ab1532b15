// Training throughput of the harness against a bare TorchSharp loop over the same model, batches and loss,
// and resident memory per epoch. Run by bench/run-training-throughput.sh (which also runs the PyTorch peer);
// never by the test suite. Prints one JSON line per measured epoch.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using CustomLosses.MultiClass;
using Harness.Config;
using Harness.Data;
using Harness.Models;
using Harness.Training;
using TorchSharp;
using static TorchSharp.torch;

int epochs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 3;
int rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
int threads = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1;
set_num_threads(threads);

using var data = DatasetLoader.Load(new DatasetConfig { Name = "fashion-mnist", ValidationFraction = 0 }, Environment.CurrentDirectory);
var model = new ModelConfig { Kind = "mlp", Hidden = [256, 128] };
var training = new TrainingConfig { Epochs = epochs, BatchSize = 128, Optimizer = new OptimizerConfig { Name = "adam", LearningRate = 1e-3 } };
var entry = new LossEntryConfig { Loss = "cross-entropy" };

static long RssBytes()
{
    foreach (var line in File.ReadLines("/proc/self/status"))
        if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    return 0;
}

void Emit(string runner, int round, int epoch, double samplesPerSecond, double seconds) =>
    Console.WriteLine(JsonSerializer.Serialize(new
    {
        runner, round, epoch, threads, samples_per_second = Math.Round(samplesPerSecond), train_seconds = Math.Round(seconds, 3),
        rss_mb = Math.Round(RssBytes() / 1048576.0, 1), live_tensors = DisposeScopeManager.Statistics.ThreadTotalLiveCount,
    }));

// The floor: the loop any TorchSharp user would write, with the same epoch orders and the same loss module.
void BareLoop(int round)
{
    var net = ModelFactory.Build(model, data.FeatureShape, 10, seed: 0);
    using var optimizer = optim.Adam(net.parameters(), 1e-3);
    using var loss = new CrossEntropyLoss();
    using var x = data.Train.Features.to(CPU, copy: true);
    using var y = data.Train.Targets.to(CPU, copy: true);
    long n = x.shape[0];
    net.train();
    for (int epoch = 1; epoch <= epochs; epoch++)
    {
        using var order = EpochOrder.Permutation(0, epoch, n);
        var watch = Stopwatch.StartNew();
        for (long start = 0; start < n; start += 128)
        {
            using var scope = NewDisposeScope();
            var index = order.narrow(0, start, Math.Min(128, n - start));
            optimizer.zero_grad();
            var l = loss.call(net.call(x.index_select(0, index)), y.index_select(0, index));
            l.backward();
            optimizer.step();
        }
        var seconds = watch.Elapsed.TotalSeconds;
        Emit("bare", round, epoch, n / seconds, seconds);
    }
    net.Dispose();
}

void HarnessTrainer(int round)
{
    var binding = LossBinding.Create(entry, data.Task, data.ClassCount);
    var net = ModelFactory.Build(model, data.FeatureShape, binding.Outputs, seed: 0);
    using var deviceData = new DeviceData(data, CPU);
    var trainer = new Trainer(training, CPU, 0.88);
    var run = new RunInfo("bench", "CE", "cross-entropy", 0, 0, 1, epochs, WeightSnapshot.Hash(net));
    trainer.Train(run, net, binding, deviceData, [new EpochEmitter((e, m) => Emit("harness", round, e, m.SamplesPerSecond, data.Train.Count / m.SamplesPerSecond))]);
    net.Dispose();
    binding.Module.Dispose();
}

for (int round = 1; round <= rounds; round++)
{
    // Alternate, so both see the same machine conditions.
    BareLoop(round);
    HarnessTrainer(round);
}

sealed class EpochEmitter(Action<int, Harness.Metrics.EpochMetrics> onEpoch) : ITrainingObserver
{
    public void EpochCompleted(RunInfo run, Harness.Metrics.EpochMetrics metrics) => onEpoch(metrics.Epoch, metrics);
}

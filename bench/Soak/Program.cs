// Soak benchmark: one long run (digits, MLP with dropout and batch norm, Adam, cosine schedule) through the real
// Trainer, with the real sinks and end-of-epoch checkpoints, printing resident memory (VmRSS) and live native tensors
// (DisposeScopeManager.Statistics) after every epoch. Both must be flat after the first epochs: a per-batch or
// per-epoch leak shows as a slope. Writes results/benchmarks/soak.md. Never run by the test suite.
// Usage: dotnet run -c Release --project bench/Soak -- [epochs=50] [output=results/benchmarks/soak.md]
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Harness.Config;
using Harness.Data;
using Harness.Experiments;
using Harness.Metrics;
using Harness.Models;
using Harness.Sinks;
using Harness.Training;
using TorchSharp;
using static TorchSharp.torch;

var inv = CultureInfo.InvariantCulture;
// Every number below is formatted with the invariant culture.
CultureInfo.CurrentCulture = CultureInfo.DefaultThreadCurrentCulture = inv;
int epochs = args.Length > 0 ? int.Parse(args[0], inv) : 50;
var output = args.Length > 1 ? args[1] : Path.Combine("results", "benchmarks", "soak.md");
set_num_threads(1);

var config = new ExperimentConfig
{
    Name = "soak",
    Dataset = new DatasetConfig { Name = "digits" },
    Model = new ModelConfig { Kind = "mlp", Hidden = [128, 64], Dropout = 0.2, BatchNorm = true },
    Training = new TrainingConfig
    {
        Epochs = epochs, BatchSize = 32, CheckpointEvery = 1,
        Optimizer = new OptimizerConfig { Name = "adam", LearningRate = 1e-3 },
        Schedule = new ScheduleConfig { Name = "cosine" },
    },
    Losses = [new LossEntryConfig { Loss = "cross-entropy" }],
};
var folder = Path.Combine(Path.GetTempPath(), "soak-" + Guid.NewGuid().ToString("N"));
using var data = DatasetLoader.Load(config.Dataset, Environment.CurrentDirectory);
var binding = LossBinding.Create(config.Losses[0], data.Task, data.ClassCount);
var net = ModelFactory.Build(config.Model, data.FeatureShape, binding.Outputs, seed: 0);
using var deviceData = new DeviceData(data, CPU, TrainingAccelerators.Instance);
var trainer = new Trainer(config.Training, CPU, null, paths: TrainingAccelerators.Instance);
var run = new RunInfo("soak-seed0", "cross-entropy", "cross-entropy", 0, 0, 1, epochs, WeightSnapshot.Hash(net));
var rows = new List<(int Epoch, double RssMb, long LiveTensors, double ManagedMb, double Seconds, double TestAccuracy)>();
var watch = Stopwatch.StartNew();
var probe = new EpochProbe((m) =>
{
    var rss = RssBytes() / 1048576.0;
    var live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
    var managed = GC.GetTotalMemory(false) / 1048576.0;
    rows.Add((m.Epoch, rss, live, managed, watch.Elapsed.TotalSeconds, m.TestAccuracy ?? double.NaN));
    Console.WriteLine(($"epoch {m.Epoch,3}  rss {rss,7:0.0} MB  live tensors {live,5}  managed heap {managed,6:0.0} MB  test acc {m.TestAccuracy:0.0000}"));
});
try
{
    trainer.Train(run, net, binding, deviceData,
        [new MetricsCsvSink(new Harness.Results.ResultsLayout(folder)), new RunSummaryWriter(folder, true), probe],
        Environment.GetEnvironmentVariable("SOAK_NO_CHECKPOINTS") == "1" ? null : new CheckpointStore(new Harness.Results.ResultsLayout(folder)));
}
finally
{
    net.Dispose();
    if (Directory.Exists(folder)) Directory.Delete(folder, true);
}

// Flatness after warm-up: least-squares slope over the second half, and the change from epoch 10 to the last.
var settled = rows.Where(r => r.Epoch > Math.Max(5, epochs / 2)).ToList();
double Slope(Func<(int Epoch, double RssMb, long LiveTensors, double ManagedMb, double Seconds, double TestAccuracy), double> y)
{
    var xs = settled.Select(r => (double)r.Epoch).ToArray();
    var ys = settled.Select(y).ToArray();
    double mx = xs.Average(), my = ys.Average();
    var sxx = xs.Sum(x => (x - mx) * (x - mx));
    return sxx == 0 ? 0 : xs.Zip(ys).Sum(p => (p.First - mx) * (p.Second - my)) / sxx;
}
var last = rows[^1];
var rssSlope = Slope(r => r.RssMb);
var liveSlope = Slope(r => r.LiveTensors);
var from = rows.First(r => r.Epoch == Math.Min(10, epochs));
bool liveFlat = settled.Select(r => r.LiveTensors).Distinct().Count() == 1;
// A leaked batch-sized tensor per step would add about 1.5 MB per epoch here, a leaked checkpoint about 0.25 MB per epoch:
// the settled half of the run must grow by less than 5 MB in all (allocator and GC heap warm-up stay below that).
var settledGrowth = rssSlope * (last.Epoch - settled[0].Epoch);
bool rssFlat = settledGrowth < 5;
var verdict = liveFlat && rssFlat ? "flat" : "NOT flat";
Console.WriteLine(($"rss slope {rssSlope:0.000} MB/epoch ({settledGrowth:0.0} MB over the settled epochs), " +
                   $"live tensor slope {liveSlope:0.000}/epoch over epochs {settled[0].Epoch}-{last.Epoch}: {verdict}"));

var md = new StringBuilder();
md.AppendLine("# Soak: memory and live tensors over a long run");
md.AppendLine();
md.AppendLine(($"`dotnet run -c Release --project bench/Soak -- {epochs}` on {Environment.ProcessorCount} cores " +
               $"({System.Runtime.InteropServices.RuntimeInformation.OSDescription}), " +
    $".NET {Environment.Version}, TorchSharp {typeof(torch).Assembly.GetName().Version}, 1 thread, {DateTime.UtcNow:yyyy-MM-dd}."));
md.AppendLine();
md.AppendLine(($"One run of {epochs} epochs through the real `Trainer`: UCI digits ({data.Train.Count} training samples), MLP 64-128-64-10 with " +
    "dropout 0.2 and batch norm, Adam 1e-3 with a cosine schedule, batch 32, with the real metrics.csv and summary sinks and an atomic, " +
    "fsynced checkpoint (model, Adam state, RNG state, history) at the end of every epoch. Measured after each epoch's evaluation: " +
    "resident set size (VmRSS from /proc/self/status), live native tensors (`DisposeScopeManager.Statistics.ThreadTotalLiveCount`) " +
    "and the managed heap (`GC.GetTotalMemory(false)`, which moves with garbage collections and is shown for context)."));
md.AppendLine();
md.AppendLine(($"**Result: {verdict}** (criterion: live tensors constant and RSS growing by under 5 MB over the second half of the run, " +
    "where one leaked batch-sized tensor per step would add about 1.5 MB per epoch). " +
    $"Over epochs {settled[0].Epoch}-{last.Epoch}: RSS slope {rssSlope:0.000} MB/epoch ({settledGrowth:0.0} MB in all), " +
    $"live tensors {string.Join(", ", settled.Select(r => r.LiveTensors).Distinct())} (slope {liveSlope:0.000}/epoch). " +
    $"Epoch {from.Epoch} → {last.Epoch}: RSS {from.RssMb:0.0} → {last.RssMb:0.0} MB, live tensors {from.LiveTensors} → {last.LiveTensors}. " +
    $"Total {last.Seconds:0.0} s; final test accuracy {last.TestAccuracy:0.0000}."));
md.AppendLine();
md.AppendLine("| epoch | RSS (MB) | live tensors | managed heap (MB) | elapsed (s) | test accuracy |");
md.AppendLine("|---:|---:|---:|---:|---:|---:|");
foreach (var r in rows)
    md.AppendLine(($"| {r.Epoch} | {r.RssMb:0.0} | {r.LiveTensors} | {r.ManagedMb:0.0} | {r.Seconds:0.00} | {r.TestAccuracy:0.0000} |"));
Harness.Output.AtomicFile.WriteAllText(output, md.ToString());
Console.WriteLine($"wrote {output}");
return liveFlat && rssFlat ? 0 : 1;

static long RssBytes()
{
    foreach (var line in File.ReadLines("/proc/self/status"))
        if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    return 0;
}

sealed class EpochProbe(Action<EpochMetrics> onEpoch) : ITrainingObserver
{
    public void EpochCompleted(RunInfo run, EpochMetrics metrics) => onEpoch(metrics);
}

// Scalar race: runs trained two at a time on threads of one process while a third thread collects garbage and runs
// finalizers in a loop, the worst case of --jobs for TorchSharp's temporary scalars (docs/losses.md, "TorchSharp's
// temporary scalars"). Each run is trained first alone, without the collector, for its reference weights; then again
// under the race. A run fails when it throws, and is corrupted when its final weights differ from its reference.
// Variants: TorchSharp's own optimizers (optim.SGD, optim.RMSProp, optim.Adam) against the harness's kept-scalar ones
// (Training/Optimizers), one parameter tensor at a time (the plain stepper), so each step hands libtorch one or more
// temporaries per parameter; and the harness's with batch norm. Writes results/benchmarks/scalar-race.md.
// Never run by the test suite.
// Usage: dotnet run -c Release --project bench/ScalarRace -- [runs per variant=120] [output=results/benchmarks/scalar-race.md]
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Harness.Config;
using Harness.Data;
using Harness.Models;
using Harness.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

var inv = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.DefaultThreadCurrentCulture = inv;
int runs = args.Length > 0 ? int.Parse(args[0], inv) : 120;
var output = args.Length > 1 ? args[1] : Path.Combine("results", "benchmarks", "scalar-race.md");
set_num_threads(1);

var dataset = new DatasetConfig { Name = "digits" };
using var data = DatasetLoader.Load(dataset, Environment.CurrentDirectory);
var lossEntry = new LossEntryConfig { Loss = "cross-entropy" };
var binding = LossBinding.Create(lossEntry, data.Task, data.ClassCount);
using var deviceData = new DeviceData(data, CPU);

var variants = new List<Variant>();
foreach (var (name, optimizer) in new[]
         {
             ("SGD, momentum 0.9, weight decay", new OptimizerConfig { Name = "sgd", LearningRate = 0.05, Momentum = 0.9, WeightDecay = 1e-4 }),
             ("RMSprop, momentum 0.5", new OptimizerConfig { Name = "rmsprop", LearningRate = 1e-3, Momentum = 0.5 }),
             ("Adam, weight decay", new OptimizerConfig { Name = "adam", LearningRate = 1e-3, WeightDecay = 1e-4 }),
         })
{
    variants.Add(new Variant($"{name}: TorchSharp's step", optimizer, BatchNorm: false, TorchSharpSteps: true));
    variants.Add(new Variant($"{name}: the harness's step", optimizer, BatchNorm: false, TorchSharpSteps: false));
}
variants.Add(new Variant("Adam, batch norm: the harness's step and batch norm", new OptimizerConfig { Name = "adam", LearningRate = 1e-3 }, true, false));

var rows = new List<(Variant Variant, int Failed, int Corrupted, long Collections, double Seconds, string? FirstError)>();
foreach (var variant in variants)
{
    var training = new TrainingConfig { Epochs = 4, BatchSize = 16, Optimizer = variant.Optimizer };
    var model = new ModelConfig { Kind = "mlp", Hidden = [64, 32], Dropout = 0.1, BatchNorm = variant.BatchNorm };
    var paths = new RacePaths(variant.TorchSharpSteps);
    var reference = new string[runs];
    var alone = new Trainer(training, CPU, null, paths: paths);
    for (int r = 0; r < runs; r++) reference[r] = Train(alone, model, r);

    int failed = 0, corrupted = 0, next = -1;
    string? firstError = null;
    var watch = Stopwatch.StartNew();
    using (var collector = new Collector())
    {
        var threads = Enumerable.Range(0, 2).Select(_ => new Thread(() =>
        {
            var trainer = new Trainer(training, CPU, null, paths: paths);
            for (int r = Interlocked.Increment(ref next); r < runs; r = Interlocked.Increment(ref next))
            {
                try
                {
                    if (Train(trainer, model, r) != reference[r]) Interlocked.Increment(ref corrupted);
                }
                catch (Exception e)
                {
                    Interlocked.Increment(ref failed);
                    Interlocked.CompareExchange(ref firstError, $"{e.GetType().Name}: {e.Message.Split('\n')[0]}", null);
                }
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        rows.Add((variant, failed, corrupted, collector.Collections, watch.Elapsed.TotalSeconds, firstError));
    }
    Console.WriteLine($"{variant.Name}: {failed} failed, {corrupted} corrupted of {runs} ({rows[^1].Collections} collections, {rows[^1].Seconds:0.0} s)" +
                      (firstError is null ? "" : $"; first: {firstError}"));
}

var md = new StringBuilder();
md.AppendLine("# Scalar race: runs side by side under a collecting thread");
md.AppendLine();
md.AppendLine($"`dotnet run -c Release --project bench/ScalarRace -- {runs}` at commit {Commit()} on {Environment.ProcessorCount} cores " +
              $"({System.Runtime.InteropServices.RuntimeInformation.OSDescription}), .NET {Environment.Version}, " +
              $"TorchSharp {typeof(torch).Assembly.GetName().Version}, {DateTime.UtcNow:yyyy-MM-dd}.");
md.AppendLine();
md.AppendLine($"Each variant trains {runs} runs (UCI digits, MLP 64-64-32-10 with dropout 0.1, 4 epochs, batch 16, 1 torch thread; " +
              "seed r for run r) once alone for reference weights, then again two at a time on threads of one process while a third " +
              "thread calls `GC.Collect()` and `GC.WaitForPendingFinalizers()` in a loop: the worst case of `--jobs` for TorchSharp's " +
              "temporary scalars, which a collection can finalize while libtorch reads them. *Failed*: the run threw; *corrupted*: " +
              "its final weights differ from its reference (SHA-256 of the state dict). Steps use one optimizer over the parameter " +
              "tensors one by one (the plain stepper), so TorchSharp's steps hand libtorch temporaries for every parameter.");
md.AppendLine();
md.AppendLine("| variant | runs | failed | corrupted | collections | seconds | first error |");
md.AppendLine("|---|---:|---:|---:|---:|---:|---|");
foreach (var r in rows)
{
    var error = r.FirstError?.Replace("|", "\\|") ?? "";
    md.AppendLine($"| {r.Variant.Name} | {runs} | {r.Failed} | {r.Corrupted} | {r.Collections} | {r.Seconds:0.0} | {error} |");
}
Harness.Output.AtomicFile.WriteAllText(output, md.ToString());
Console.WriteLine($"wrote {output}");
return 0;

string Train(Trainer trainer, ModelConfig model, int seed)
{
    using var net = ModelFactory.Build(model, data.FeatureShape, binding.Outputs, seed);
    var run = new RunInfo($"race-{seed}", "cross-entropy", "cross-entropy", seed, seed, runs, 4, "");
    var result = trainer.Train(run, net, binding, deviceData, []);
    if (result.DivergenceNote is { } note) throw new InvalidOperationException(note);
    return WeightSnapshot.Hash(net);
}

static string Commit()
{
    try
    {
        using var git = Process.Start(new ProcessStartInfo("git", "rev-parse --short HEAD") { RedirectStandardOutput = true })!;
        var sha = git.StandardOutput.ReadToEnd().Trim();
        git.WaitForExit();
        return sha.Length > 0 ? sha : "unknown";
    }
    catch (System.ComponentModel.Win32Exception) { return "unknown"; }
}

/// <summary>One row: the optimizer, whether the model has batch norm, and whose optimizer step trains it.</summary>
sealed record Variant(string Name, OptimizerConfig Optimizer, bool BatchNorm, bool TorchSharpSteps);

/// <summary>The plain training paths, with TorchSharp's own optimizers instead of the harness's where asked.</summary>
sealed class RacePaths(bool torchSharpSteps) : PlainTrainingPaths
{
    public override IParameterStepper Stepper(nn.Module model, OptimizerConfig optimizer) =>
        torchSharpSteps ? new OptimizerStepper(model, p => TorchSharpOptimizers.Create(optimizer, p)) : base.Stepper(model, optimizer);
}

/// <summary>TorchSharp 0.107's own optimizers (what the harness used before Training/Optimizers).</summary>
static class TorchSharpOptimizers
{
    public static optim.Optimizer Create(OptimizerConfig c, IReadOnlyList<Parameter> parameters) => c.Name switch
    {
        "sgd" => optim.SGD(parameters, c.LearningRate, c.Momentum, 0, c.WeightDecay, c.Nesterov),
        "rmsprop" => optim.RMSProp(parameters, c.LearningRate, momentum: c.Momentum, weight_decay: c.WeightDecay),
        _ => optim.Adam(parameters, c.LearningRate, weight_decay: c.WeightDecay),
    };
}

/// <summary>A thread that collects garbage and runs finalizers in a loop until disposed.</summary>
sealed class Collector : IDisposable
{
    readonly Thread thread;
    volatile bool stop;
    long collections;

    public Collector()
    {
        thread = new Thread(() =>
        {
            while (!stop)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                Interlocked.Increment(ref collections);
            }
        })
        { IsBackground = true };
        thread.Start();
    }

    public long Collections => Interlocked.Read(ref collections);

    public void Dispose()
    {
        stop = true;
        thread.Join();
    }
}

using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using LossKernels;

// dotnet run -c Release --project bench/LossKernels -- --filter '*'
// A modest in-process job: the machine has 2 shared cores, so compare only ratios measured in one run.
if (args.Length > 0 && args[0] == "--check")
{
    // dotnet run -c Release --project bench/LossKernels -- --check [loss ...]
    // Five forward + backward passes of every case at both sizes, custom and built-in: a smoke test with rough times.
    foreach (var name in LossBenchmarks.LossNames.Where(n => args.Length < 2 || args.Skip(1).Contains(n)))
        foreach (var size in new[] { Size.Small, Size.Large })
        {
            var b = new LossBenchmarks { Loss = name, Size = size };
            b.Setup();
            double tc = double.MaxValue, tb = double.MaxValue;
            for (int i = 0; i < 5; i++)
            {
                var sw = System.Diagnostics.Stopwatch.StartNew();
                b.Custom(); tc = Math.Min(tc, sw.Elapsed.TotalMilliseconds); sw.Restart();
                b.BuiltIn(); tb = Math.Min(tb, sw.Elapsed.TotalMilliseconds);
            }
            b.Cleanup();
            Console.WriteLine($"{name,-24} {size,-6} custom {tc,8:0.00} ms  built-in {tb,8:0.00} ms  (best of 5)");
        }
    return;
}

var job = Job.Default
    .WithToolchain(InProcessEmitToolchain.Instance)
    .WithLaunchCount(1)
    .WithWarmupCount(3)
    .WithIterationCount(15)
    .WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(250))
    .WithId("LossKernels");

var config = DefaultConfig.Instance
    .AddJob(job)
    .AddExporter(new LossKernelsMarkdownExporter())
    .WithOptions(ConfigOptions.JoinSummary);

BenchmarkSwitcher.FromAssembly(typeof(LossBenchmarks).Assembly).Run(args, config);

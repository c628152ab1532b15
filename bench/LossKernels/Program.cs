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

if (args.Length > 0 && args[0] == "--paired")
{
    // dotnet run -c Release --project bench/LossKernels -- --paired [seconds per case] [loss ...]
    // Adjacent custom/built-in pairs, the ratio per pair (see PairedRatios); both sizes unless LOSS_KERNELS_SIZES says otherwise.
    var rest = args.Skip(1).ToList();
    bool defaultAllocator = rest.Remove("--default-allocator");
    // Pinned unless asked otherwise: alternating two losses makes glibc return and re-fault buffers on nearly every call (see GlibcAllocator).
    string allocator = defaultAllocator ? "default settings (--default-allocator)"
        : GlibcAllocator.KeepFreedMemory() ? "trim and mmap thresholds pinned (freed buffers stay in the process; see GlibcAllocator.cs)"
        : "default settings (mallopt unavailable)";
    double seconds = 3;
    if (rest.Count > 0 && double.TryParse(rest[0], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var s))
    {
        seconds = s;
        rest.RemoveAt(0);
    }
    var unknown = rest.Where(n => !LossBenchmarks.LossNames.Contains(n)).ToList();
    if (unknown.Count > 0)
    {
        Console.Error.WriteLine($"unknown loss {string.Join(", ", unknown)}; the benchmarked losses are {string.Join(", ", LossBenchmarks.LossNames)}");
        return;
    }
    var output = Environment.GetEnvironmentVariable("LOSS_KERNELS_PAIRED_OUTPUT")
                 ?? Path.Combine(
                     LossKernelsMarkdownExporter.ResultsFolder(),
                     defaultAllocator ? "loss-kernels-paired-default-allocator.md" : "loss-kernels-paired.md");
    PairedRatios.Run(LossBenchmarks.LossNames.Where(n => rest.Count == 0 || rest.Contains(n)), LossBenchmarks.Sizes, seconds, allocator, output);
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

using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using LossKernels;

// dotnet run -c Release --project bench/LossKernels -- --filter '*'
// A modest in-process job: the machine has 2 shared cores, so compare only ratios measured in one run.
if (args.Length > 0 && args[0] == "--probe")
{
    TorchSharp.torch.set_num_threads(int.Parse(Environment.GetEnvironmentVariable("PROBE_THREADS") ?? "2"));
    var a = TorchSharp.torch.randn(4096 * 256);
    var b = TorchSharp.torch.randn(4096 * 256);
    var g0 = TorchSharp.torch.tensor(0.5f);
    var mse = new CustomLosses.Regression.MseLoss();
    var l1 = new CustomLosses.Regression.L1Loss();
    foreach (var (label, f) in new (string, Func<TorchSharp.torch.Tensor>)[] {
        ("mse fb", () => { var x = a.detach().requires_grad_(); mse.call(x, b).backward(); return x.grad!; }),
        ("mse fwd+sum", () => { var x = a.detach().requires_grad_(); var l = mse.call(x, b); return l; }),
        ("mse fb nograd-acc", () => { var x = a.detach().requires_grad_(); var l = mse.call(x, b); return TorchSharp.torch.autograd.grad([l], [x])[0]; }),
        ("square.sum", () => a.square().sum()), ("norm1", () => TorchSharp.torch.linalg.vector_norm(a, 1)),
        ("mul0d", () => a * g0), ("mul0d_", () => a.sign().mul_(g0)), ("muldouble", () => a * 0.5), ("sign", () => a.sign()),
        ("mse fwd", () => mse.call(a, b)), ("l1 fwd", () => l1.call(a, b)),
        ("mse fb", () => { var x = a.detach().requires_grad_(); mse.call(x, b).backward(); return x.grad!; }),
        ("l1 fb", () => { var x = a.detach().requires_grad_(); l1.call(x, b).backward(); return x.grad!; }),
        ("mse builtin fb", () => { var x = a.detach().requires_grad_(); TorchSharp.torch.nn.functional.mse_loss(x, b).backward(); return x.grad!; }),
        ("l1 builtin fb", () => { var x = a.detach().requires_grad_(); TorchSharp.torch.nn.functional.l1_loss(x, b).backward(); return x.grad!; }),
        })
    {
        double best = double.MaxValue;
        var all = new List<double>(); for (int i = 0; i < 30; i++) { using var sc = TorchSharp.torch.NewDisposeScope(); var sw = System.Diagnostics.Stopwatch.StartNew(); var r = f(); all.Add(sw.Elapsed.TotalMilliseconds); } all.Sort(); best = all[15];
        Console.WriteLine($"{label,-10} {best:0.000} ms");
    }
    return;
}
if (args.Length > 0 && args[0] == "--check")
{
    // dotnet run -c Release --project bench/LossKernels -- --check [loss ...]
    // One forward + backward of every case at both sizes, custom and built-in (a smoke test, no timing).
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

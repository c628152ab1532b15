using BenchmarkDotNet.Attributes;
using CustomLosses.Catalog;
using TorchSharp;
using static TorchSharp.torch;

namespace LossKernels;

/// <summary>
/// Forward + backward of each custom loss and of its built-in twin (or yardstick): every iteration makes
/// fresh inputs that require grad, computes the loss, calls backward and disposes everything. The inputs are views of
/// fresh leaves, not the leaves themselves: in training a loss's input is the model's output, whose gradient libtorch
/// hands on to the layer below without a copy. On a leaf, AccumulateGrad copies a gradient that is still referenced
/// elsewhere (a TorchSharp custom function's C# handle is such a reference) and steals one that is not (a built-in's),
/// which would charge the custom losses a full-size copy no training step pays.
/// </summary>
[MemoryDiagnoser]
public class LossBenchmarks
{
    /// <summary>Every loss, or those listed in $LOSS_KERNELS_LOSSES (comma-separated names).</summary>
    public static IEnumerable<string> LossNames => LossCases.All.Select(c => c.Name)
        .Where(n => EnvList("LOSS_KERNELS_LOSSES") is not { } only || only.Contains(n));

    /// <summary>Both sizes, or those listed in $LOSS_KERNELS_SIZES (Small,Large).</summary>
    public static IEnumerable<Size> Sizes => new[] { Size.Small, Size.Large }
        .Where(s => EnvList("LOSS_KERNELS_SIZES") is not { } only || only.Contains(s.ToString()));

    static string[]? EnvList(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v.Split(',', StringSplitOptions.TrimEntries) : null;

    [ParamsSource(nameof(LossNames))]
    public string Loss { get; set; } = "mse";

    [ParamsSource(nameof(Sizes))]
    public Size Size { get; set; }

    LossCase lossCase = null!;
    nn.Module custom = null!;
    Tensor[] inputs = [];

    [GlobalSetup]
    public void Setup()
    {
        torch.set_num_threads(2);
        torch.manual_seed(1234);
        lossCase = LossCases.Get(Loss);
        custom = LossRegistry.Create(Loss, lossCase.Options);
        var (n, d) = lossCase.Shape(Size);
        inputs = lossCase.MakeInputs(n, d).Select(t => t.DetachFromDisposeScope()).ToArray();
        // Both sides must agree, or the comparison is meaningless.
        if (lossCase.IsTwin && !lossCase.BuiltInIsDefective)
        {
            using var scope = NewDisposeScope();
            double a = CallCustom(inputs).item<float>(), b = lossCase.BuiltIn(inputs).item<float>();
            if (Math.Abs(a - b) > 1e-3 * Math.Max(1, Math.Abs(b)))
                throw new InvalidOperationException($"{Loss}: custom {a} and built-in {b} disagree.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var t in inputs) t.Dispose();
        custom.Dispose();
    }

    Tensor CallCustom(Tensor[] x) => custom switch
    {
        nn.Module<Tensor, Tensor, Tensor> two when x.Length == 2 => two.call(x[0], x[1]),
        nn.Module<Tensor, Tensor, Tensor, Tensor> three when x.Length == 3 => three.call(x[0], x[1], x[2]),
        _ => throw new InvalidOperationException($"{Loss} takes neither 2 nor 3 inputs."),
    };

    Tensor[] FreshInputs()
    {
        var x = new Tensor[inputs.Length];
        for (int i = 0; i < x.Length; i++)
            x[i] = lossCase.RequiresGrad[i] ? inputs[i].detach().requires_grad_(true).view_as(inputs[i]) : inputs[i];
        return x;
    }

    [Benchmark]
    public void Custom()
    {
        using var scope = NewDisposeScope();
        CallCustom(FreshInputs()).backward();
    }

    [Benchmark(Baseline = true)]
    public void BuiltIn()
    {
        using var scope = NewDisposeScope();
        lossCase.BuiltIn(FreshInputs()).backward();
    }
}

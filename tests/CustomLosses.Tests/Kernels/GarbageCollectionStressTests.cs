using Xunit;
using static TorchSharp.torch;

namespace CustomLosses.Tests.Kernels;

/// <summary>Runs alone: the collecting thread would otherwise disturb tests that use temporary scalars.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GarbageCollectionStressCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "garbage-collection stress";
}

/// <summary>
/// Every fused-kernel fast path, forward and backward, thousands of times while another thread collects garbage
/// and runs finalizers in a loop. A TorchSharp <c>Scalar</c> temporary that is finalized during the native call that
/// reads it makes libtorch throw ("Expected false to be true") or compute with a freed value (see
/// <see cref="CachedScalars"/>); with the kernels' former temporaries this test failed (about one call in a thousand).
/// Every iteration must give the bit-identical value and gradient of an unstressed call.
/// </summary>
[Collection(GarbageCollectionStressCollection.Name)]
public class GarbageCollectionStressTests
{
    // Larger inputs keep the main thread inside native calls for a larger share of the time, which is the race window.
    const int Iterations = 3000, Rows = 16;

    [Theory]
    [MemberData(nameof(FusedKernelCase.Names), MemberType = typeof(FusedKernelCase))]
    public void Fast_path_is_exact_while_another_thread_collects(string name)
    {
        var c = FusedKernelCase.Named(name, Rows);
        using var scope = NewDisposeScope();
        manual_seed(11);
        var x = c.Input().requires_grad_();
        var t = c.Target();
        var weights = WeightsFor(c.Custom.call(x, t).detach());
        var (value0, grad0) = Step(c, x, t, weights);

        var failures = new List<string>();
        using var collector = new BackgroundCollector();
        for (int i = 0; i < Iterations && failures.Count < 5; i++)
        {
            try
            {
                using var step = NewDisposeScope();
                var (value, grad) = Step(c, x, t, weights);
                if (!value.eq(value0).all().item<bool>() || !grad.eq(grad0).all().item<bool>())
                    failures.Add($"iteration {i}: value or gradient differs from the unstressed call");
            }
            catch (Exception e)
            {
                failures.Add($"iteration {i}: {e.GetType().Name}: {e.Message.Split('\n')[0]}");
            }
        }
        Assert.True(failures.Count == 0, $"{name}: {string.Join("; ", failures)}");
        Assert.True(collector.Collections > 10, $"the collector thread ran only {collector.Collections} collections");
    }

    static Tensor? WeightsFor(Tensor value) => value.dim() == 0 ? null : linspace(0.5, 1.5, value.shape[0], dtype: value.dtype);

    static (Tensor Value, Tensor Gradient) Step(FusedKernelCase c, Tensor x, Tensor t, Tensor? weights)
    {
        x.grad?.zero_();
        var value = c.Custom.call(x, t);
        (weights is null ? value : (value * weights).sum()).backward();
        return (value.detach(), x.grad!.clone());
    }

    /// <summary>A thread that collects and finalizes in a loop until disposed.</summary>
    sealed class BackgroundCollector : IDisposable
    {
        readonly Thread thread;
        volatile bool stop;
        long collections;

        public BackgroundCollector()
        {
            thread = new Thread(() =>
            {
                while (!stop)
                {
                    // Generation 0 is where the temporaries live; a full collection would scan whatever else the test
                    // process holds (the Roslyn compilations of the analyzer tests) and mostly stall the main thread.
                    GC.Collect(0);
                    GC.WaitForPendingFinalizers();
                    Interlocked.Increment(ref collections);
                }
            })
            { IsBackground = true, Name = "gc-stress" };
            thread.Start();
        }

        public long Collections => Interlocked.Read(ref collections);

        public void Dispose()
        {
            stop = true;
            thread.Join();
        }
    }
}

using CustomLosses.Tests.ScalarTemporaries;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace CustomLosses.Tests.Kernels;

/// <summary>
/// A fused-kernel loss call leaves no finalizable garbage of its own: only the PinnedArrays that TorchSharp 0.107's
/// custom-function plumbing makes (its <c>apply</c> and saved-variable calls never suppress their finalizers). Every
/// <c>Tensor.shape</c> or <c>item</c> read on the path adds one (see <see cref="TensorShape"/> and
/// <see cref="HostValue"/>), which this catches. Runs alone: other tests' garbage would count.
/// </summary>
[Collection(GarbageCollectionStressCollection.Name)]
public class FinalizerPressureTests(ITestOutputHelper output)
{
    const int Calls = 200;

    /// <summary>
    /// TorchSharp 0.107's own share per forward + backward of a loss module around one custom autograd function:
    /// PinnedArray&lt;IntPtr&gt;s of <c>apply</c>, the saved variables and <c>backward</c> (measured with a heap dump: 8 for
    /// every fast path once the shape/item/dot reads were gone; 9-16 before). Re-measure if TorchSharp is upgraded.
    /// </summary>
    const double TorchSharpPerCall = 8;

    /// <summary>Finalizable objects left per forward + backward of <paramref name="loss"/> (objects that a collection found dead and queued).</summary>
    static double FinalizablePerCall(Func<Tensor, Tensor, Tensor> loss, Tensor x, Tensor t) => FinalizableObjects.PerCall(() =>
    {
        x.grad?.zero_();
        var value = loss(x, t);
        (value.dim() == 0 ? value : value.sum()).backward();
    }, Calls);

    [Theory]
    [MemberData(nameof(FusedKernelCase.Names), MemberType = typeof(FusedKernelCase))]
    public void Fast_path_leaves_only_TorchSharps_own_finalizable_objects(string name)
    {
        var c = FusedKernelCase.Named(name);
        using var scope = NewDisposeScope();
        manual_seed(3);
        var x = c.Input().requires_grad_();
        var t = c.Target();
        double perCall = FinalizablePerCall(c.Custom.call, x, t);
        output.WriteLine($"{name}: {perCall:F2} finalizable objects per forward + backward");
        Assert.True(perCall >= 1, $"{name}: the measurement saw {perCall:F2} finalizable objects per call, fewer than TorchSharp's own: it measures nothing");
        // The 0.1 absorbs a stray object from the runtime itself over 200 calls; one extra read per call is 1.0.
        Assert.True(perCall <= TorchSharpPerCall + 0.1,
            $"{name}: {perCall:F2} finalizable objects per call, over TorchSharp's own {TorchSharpPerCall}: a Tensor.shape, " +
            "item or dot on the path? (use TensorShape / HostValue / matmul)");
    }
}

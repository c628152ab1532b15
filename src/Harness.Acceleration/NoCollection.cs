using System.Runtime;

namespace Harness.Acceleration;

/// <summary>
/// A stretch of code with no garbage collection, so that no finalizer can free a temporary scalar that TorchSharp has
/// handed to libtorch (CustomLosses' <c>CachedScalars</c> says why that happens), for code that cannot avoid TorchSharp's
/// own temporaries: the twins written in TorchSharp's C# (torchvision's <c>sigmoid_focal_loss</c>, the
/// <c>gaussian_nll_loss</c> family) in training-parity steps, where a collection once landed inside one (libtorch threw
/// "Expected false to be true" from <c>Scalar::toFloat</c>), and TorchSharp's own optimizer steps in the fused Adam
/// step's probe, beside other training threads. A scalar made inside the region cannot be finalized before the region
/// ends, when its call has returned.
/// </summary>
public readonly struct NoCollection : IDisposable
{
    /// <summary>Managed bytes the process may allocate inside the region (a parity step allocates about 1 MB).</summary>
    const long Budget = 32L << 20;

    readonly bool started;

    NoCollection(bool started) => this.started = started;

    /// <summary>
    /// Enters the region (collecting first, if the budget needs it). Where the runtime refuses (another thread holds a
    /// region) the code runs without one: the race is then as likely as anywhere else in TorchSharp.
    /// </summary>
    public static NoCollection Start()
    {
        try { return new NoCollection(GC.TryStartNoGCRegion(Budget)); }
        catch (Exception e) when (e is InvalidOperationException or ArgumentOutOfRangeException) { return new NoCollection(false); }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // A step that outgrew the budget ended the region with a collection; EndNoGCRegion would then throw.
        if (started && GCSettings.LatencyMode == GCLatencyMode.NoGCRegion) GC.EndNoGCRegion();
    }
}

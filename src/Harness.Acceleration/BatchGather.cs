using static TorchSharp.torch;

namespace Harness.Acceleration;

/// <summary>
/// Gathers a training split's mini-batches in an epoch's order: the features and targets of the samples at positions
/// [start, start + count) of the order. <see cref="TryCreate"/> picks the implementation; all give index_select's bytes.
/// </summary>
/// <remarks>
/// The tensors <see cref="Take"/> returns are only valid until the next call (the CPU gather reuses its buffers): a
/// step uses them and lets them go. They are never the caller's to dispose.
/// </remarks>
public abstract class BatchGather : IDisposable
{
    /// <summary>
    /// The fast gather for <paramref name="features"/> and <paramref name="targets"/> (one row per sample) where there is
    /// one: for contiguous CPU tensors on x86, <see cref="AdaptiveGather"/>, which picks the faster of
    /// <see cref="RowCopyGather"/> and index_select as it goes (the row copy needs x86's prefetch instruction: without it
    /// the single-threaded copy is slower than index_select); null otherwise (index_select is then all there is). Given
    /// the pixels image features were decoded from, the row copy decodes those where the CPU can
    /// (<see cref="RowCopyGather.CanDecode"/>).
    /// </summary>
    public static BatchGather? TryCreate(Tensor features, Tensor targets, int batchSize, PixelSource? pixels = null)
    {
        if (!System.Runtime.Intrinsics.X86.Sse.IsSupported || !RowCopyGather.Supports(features, targets)) return null;
        var rowCopy = new RowCopyGather(features, targets, batchSize, RowCopyGather.CanDecode(features, pixels) ? pixels : null);
        return new AdaptiveGather(rowCopy, new IndexSelectGather(features, targets));
    }

    /// <summary>Starts an epoch that visits the samples in <paramref name="order"/> (int64 sample indices on the CPU or the data's device).</summary>
    public abstract void BeginEpoch(Tensor order);

    /// <summary>The batch at positions [<paramref name="start"/>, <paramref name="start"/> + <paramref name="count"/>) of the epoch's order.</summary>
    public abstract (Tensor Features, Tensor Targets) Take(long start, long count);

    /// <inheritdoc />
    public virtual void Dispose() { }
}

using Harness.Data;
using static TorchSharp.torch;

namespace Harness.Training;

/// <summary>
/// Gathers a training split's mini-batches in an epoch's order: the features and targets of the samples at positions
/// [start, start + count) of the order. <see cref="For"/> picks the implementation; both give the same bytes.
/// </summary>
/// <remarks>
/// The tensors <see cref="Take"/> returns are only valid until the next call (the CPU gather reuses its buffers): a
/// step uses them and lets them go. They are never the caller's to dispose.
/// </remarks>
internal abstract class BatchGather : IDisposable
{
    /// <summary>
    /// The gather for <paramref name="features"/> and <paramref name="targets"/> (one row per sample, on one device): for
    /// contiguous CPU tensors on x86, <see cref="AdaptiveGather"/>, which picks the faster of <see cref="RowCopyGather"/>
    /// and index_select as it goes (the row copy needs x86's prefetch instruction: without it the single-threaded copy
    /// is slower than index_select); <see cref="IndexSelectGather"/> otherwise. Given the pixels image features were
    /// decoded from (<see cref="DeviceData.TrainPixels"/>), the row copy decodes those where the CPU can
    /// (<see cref="RowCopyGather.CanDecode"/>).
    /// </summary>
    public static BatchGather For(Tensor features, Tensor targets, int batchSize, PixelCodes? pixels = null)
    {
        if (!System.Runtime.Intrinsics.X86.Sse.IsSupported || !RowCopyGather.Supports(features, targets)) return new IndexSelectGather(features, targets);
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

using static TorchSharp.torch;

namespace Harness.Training;

/// <summary>
/// Where the training loop's mini-batches come from: the features and (encoded) targets of the samples at positions
/// [start, start + count) of an epoch's order. The plain source is <see cref="IndexSelectBatches"/>; a faster one (see
/// <see cref="ITrainingPaths.Batches"/>) must give the same bytes, so the choice never changes what is trained.
/// </summary>
/// <remarks>
/// The tensors <see cref="Take"/> returns are only valid until the next call (a source may reuse its buffers): a step
/// uses them and lets them go. They are never the caller's to dispose.
/// </remarks>
public interface IBatchSource : IDisposable
{
    /// <summary>Starts an epoch that visits the samples in <paramref name="order"/> (int64 sample indices on the CPU or the data's device).</summary>
    void BeginEpoch(Tensor order);

    /// <summary>The batch at positions [<paramref name="start"/>, <paramref name="start"/> + <paramref name="count"/>) of the epoch's order.</summary>
    (Tensor Features, Tensor Targets) Take(long start, long count);
}

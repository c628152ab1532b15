using static TorchSharp.torch;

namespace Harness.Training;

/// <summary>
/// The plain batch source: <c>index_select</c> of the epoch's positions on the data's device, fresh tensors per batch
/// in the step's dispose scope. Any other source must give exactly these bytes.
/// </summary>
public sealed class IndexSelectBatches(Tensor features, Tensor targets) : IBatchSource
{
    Tensor? order;

    /// <inheritdoc />
    public void BeginEpoch(Tensor order) => this.order = order;

    /// <inheritdoc />
    public (Tensor Features, Tensor Targets) Take(long start, long count)
    {
        var index = (order ?? throw new InvalidOperationException("BeginEpoch was not called.")).narrow(0, start, count);
        return (features.index_select(0, index), targets.index_select(0, index));
    }

    /// <inheritdoc />
    public void Dispose() { }
}

using static TorchSharp.torch;

namespace Harness.Acceleration;

/// <summary>
/// Batches by <c>index_select</c> on the data's device: fresh tensors per batch, in the step's dispose scope. What
/// <see cref="AdaptiveGather"/> measures the row copy against (the harness's plain batch source does the same).
/// </summary>
public sealed class IndexSelectGather(Tensor features, Tensor targets) : BatchGather
{
    Tensor? order;

    /// <inheritdoc />
    public override void BeginEpoch(Tensor order) => this.order = order;

    /// <inheritdoc />
    public override (Tensor Features, Tensor Targets) Take(long start, long count)
    {
        var index = (order ?? throw new InvalidOperationException("BeginEpoch was not called.")).narrow(0, start, count);
        return (features.index_select(0, index), targets.index_select(0, index));
    }
}

using Harness.Config;
using static TorchSharp.torch;

namespace Harness.Training;

/// <summary>
/// The seams of the training loop: where its batches, optimizer steps, accuracy counts, checkpoint memory, clock and
/// the CPU copy of the randomly read training tensors come from. <see cref="PlainTrainingPaths"/> gives the plain
/// implementations beside the loop; the runner plugs in faster ones (Experiments/TrainingAccelerators, on the
/// Harness.Acceleration project), which must train the same bits: the trainer never names them.
/// </summary>
public interface ITrainingPaths
{
    /// <summary>
    /// A CPU copy of a training-split tensor that batches read in random rows (features, and the pixel codes they were
    /// decoded from): its own contiguous libtorch allocation (64-byte aligned, see <see cref="DeviceData"/>).
    /// </summary>
    Tensor CopyTrainingRows(Tensor source);

    /// <summary>
    /// The batch source for <paramref name="data"/>'s training split, with <paramref name="targets"/> (the encoded
    /// training targets) in place of its targets.
    /// </summary>
    IBatchSource Batches(DeviceData data, Tensor targets, int batchSize);

    /// <summary>The stepper that owns the optimizer <paramref name="optimizer"/> names over <paramref name="model"/>'s parameters.</summary>
    IParameterStepper Stepper(nn.Module model, OptimizerConfig optimizer);

    /// <summary>
    /// The training-accuracy count for <paramref name="labels"/> (the training split's, on the data's device) and
    /// outputs of <paramref name="outputType"/>.
    /// </summary>
    TrainingAccuracy Accuracy(LossBinding binding, Tensor labels, ScalarType outputType);

    /// <summary>What one trainer's epoch-end checkpoints are serialized into.</summary>
    ICheckpointMemory CheckpointMemory();

    /// <summary>A clock for one run.</summary>
    IStepClock Clock();
}

/// <summary>
/// The plain paths: index_select batches (<see cref="IndexSelectBatches"/>), TorchSharp's optimizer over
/// <c>model.parameters()</c> (<see cref="OptimizerStepper"/>), accuracy counted on the device
/// (<see cref="DeviceTrainingAccuracy"/>), a fresh stream per checkpoint, a <see cref="StopwatchClock"/>, ordinary copies.
/// Derive from it to replace some of them.
/// </summary>
public class PlainTrainingPaths : ITrainingPaths
{
    /// <summary>The plain paths.</summary>
    public static PlainTrainingPaths Instance { get; } = new();

    /// <inheritdoc />
    public virtual Tensor CopyTrainingRows(Tensor source) => source.to(CPU, copy: true).contiguous().DetachFromDisposeScope();

    /// <inheritdoc />
    public virtual IBatchSource Batches(DeviceData data, Tensor targets, int batchSize) => new IndexSelectBatches(data.TrainFeatures, targets);

    /// <inheritdoc />
    public virtual IParameterStepper Stepper(nn.Module model, OptimizerConfig optimizer) => new OptimizerStepper(model, optimizer);

    /// <inheritdoc />
    public virtual TrainingAccuracy Accuracy(LossBinding binding, Tensor labels, ScalarType outputType) => new DeviceTrainingAccuracy(binding, labels);

    /// <inheritdoc />
    public virtual ICheckpointMemory CheckpointMemory() => new FreshCheckpointMemory();

    /// <inheritdoc />
    public virtual IStepClock Clock() => new StopwatchClock();
}

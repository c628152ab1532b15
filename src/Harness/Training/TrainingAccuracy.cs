using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Training;

/// <summary>
/// Counts an epoch's correct training predictions, step by step, as <see cref="LossBinding.PredictClasses"/> compared
/// with the labels would: the count is an integer, so every implementation gives exactly the same one.
/// <see cref="For"/> picks the implementation.
/// </summary>
internal abstract class TrainingAccuracy : IDisposable
{
    /// <summary>
    /// <see cref="HostTrainingAccuracy"/> for float32/float64 outputs on the CPU (no kernel launch per step),
    /// <see cref="DeviceTrainingAccuracy"/> otherwise (a bulk count on the device every few dozen steps).
    /// </summary>
    /// <param name="binding">The loss binding (how outputs become classes).</param>
    /// <param name="labels">The training split's class labels [N], on the data's device.</param>
    /// <param name="outputType">The dtype of the model's outputs.</param>
    public static TrainingAccuracy For(LossBinding binding, Tensor labels, ScalarType outputType) =>
        labels.device_type == DeviceType.CPU && HostTrainingAccuracy.Supports(outputType)
            ? new HostTrainingAccuracy(binding, labels)
            : new DeviceTrainingAccuracy(binding, labels);

    /// <summary>Starts counting an epoch whose samples are visited in <paramref name="epochOrder"/> (int64, on the data's device).</summary>
    public abstract void Start(Tensor epochOrder);

    /// <summary>Adds a step's raw outputs, for the <paramref name="count"/> samples at positions [start, start + count) of the epoch's order.</summary>
    public abstract void Add(Tensor raw, long start, long count);

    /// <summary>Correct predictions among the epoch's samples added so far.</summary>
    public abstract long Correct();

    /// <inheritdoc />
    public virtual void Dispose() { }
}

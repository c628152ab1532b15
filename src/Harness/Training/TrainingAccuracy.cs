using static TorchSharp.torch;

namespace Harness.Training;

/// <summary>
/// Counts an epoch's correct training predictions, step by step, as <see cref="LossBinding.PredictClasses"/> compared
/// with the labels would: the count is an integer, so every implementation gives exactly the same one. The plain one is
/// <see cref="DeviceTrainingAccuracy"/>; <see cref="ITrainingPaths.Accuracy"/> may give a faster one.
/// </summary>
public abstract class TrainingAccuracy : IDisposable
{
    /// <summary>Starts counting an epoch whose samples are visited in <paramref name="epochOrder"/> (int64, on the data's device).</summary>
    public abstract void Start(Tensor epochOrder);

    /// <summary>Adds a step's raw outputs, for the <paramref name="count"/> samples at positions [start, start + count) of the epoch's order.</summary>
    public abstract void Add(Tensor raw, long start, long count);

    /// <summary>Correct predictions among the epoch's samples added so far.</summary>
    public abstract long Correct();

    /// <inheritdoc />
    public virtual void Dispose() { }
}

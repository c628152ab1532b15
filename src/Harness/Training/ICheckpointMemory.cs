namespace Harness.Training;

/// <summary>
/// The streams a trainer serializes its epoch-end checkpoint states into (model and optimizer), lent to the checkpoint
/// and handed back when the checkpoint is disposed (<see cref="TrainingCheckpoint.Release"/>). Thread-safe: checkpoints
/// are disposed on the background writer's thread while the trainer rents on its own.
/// </summary>
public interface ICheckpointMemory
{
    /// <summary>An empty, expandable stream with room for at least <paramref name="sizeHint"/> bytes.</summary>
    MemoryStream Rent(int sizeHint);

    /// <summary>Takes <paramref name="stream"/> back; nothing may read or write it after this.</summary>
    void Return(MemoryStream stream);
}

/// <summary>The plain checkpoint memory: a new stream for every checkpoint.</summary>
public sealed class FreshCheckpointMemory : ICheckpointMemory
{
    /// <inheritdoc />
    public MemoryStream Rent(int sizeHint) => new(sizeHint);

    /// <inheritdoc />
    public void Return(MemoryStream stream) { }
}

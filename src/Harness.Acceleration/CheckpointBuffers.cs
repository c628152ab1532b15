namespace Harness.Acceleration;

/// <summary>
/// The growable buffers a trainer serializes its epoch-end checkpoint states into (model and optimizer), lent to the
/// checkpoint and handed back when the checkpoint is disposed, so that a later epoch writes into the same memory.
/// </summary>
/// <remarks>
/// <para>Why: a fresh 1-3 MB buffer per epoch is new large-object-heap memory, and its first touch faults in every
/// page. Measured on the training thread (Fashion-MNIST MLP 784-256-128-10 with Adam, 2 threads, 2026-12-04):
/// serializing the optimizer's 1.9 MB of state into a fresh buffer took 1.2-1.7 ms, into a reused one 0.24-0.36 ms; the
/// model's 0.9 MB 0.6-1.0 ms against about 0.17 ms. That was half of what the CLI's sinks and checkpoints add to an
/// epoch.</para>
/// <para>Safe under any store: a buffer is only reused after the checkpoint that holds it is disposed (stores dispose a
/// checkpoint once its bytes are copied out, see the harness's <c>ICheckpointStore.Save</c>), and a checkpoint that is never
/// disposed only means a new buffer next time. Thread-safe: checkpoints are disposed on the background writer's
/// thread while the trainer rents on its own.</para>
/// </remarks>
public sealed class CheckpointBuffers
{
    readonly object gate = new();
    readonly Stack<MemoryStream> free = new();

    /// <summary>An empty stream with room for at least <paramref name="sizeHint"/> bytes: a returned one when there is one.</summary>
    public MemoryStream Rent(int sizeHint)
    {
        MemoryStream? stream;
        lock (gate) free.TryPop(out stream);
        if (stream is null) return new MemoryStream(sizeHint);
        stream.SetLength(0);
        if (stream.Capacity < sizeHint) stream.Capacity = sizeHint;
        return stream;
    }

    /// <summary>Takes <paramref name="stream"/> back; nothing may read or write it after this.</summary>
    public void Return(MemoryStream stream)
    {
        lock (gate) free.Push(stream);
    }
}

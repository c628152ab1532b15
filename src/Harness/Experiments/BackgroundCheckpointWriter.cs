using System.Runtime.ExceptionServices;
using Harness.Training;

namespace Harness.Experiments;

/// <summary>
/// Writes checkpoints on a background thread while the next epochs train: <see cref="Save"/> hands the captured
/// checkpoint over and returns at once; the file work (serializing, hashing, writing, fsync, removing the older file)
/// runs behind it, one write at a time and in order. A save that arrives while a write is in flight waits its turn
/// without blocking the trainer, and replaces an older save still waiting (the newest checkpoint is the one that
/// counts; the replaced one is disposed, like every checkpoint handed over once its bytes are written or dropped). A
/// delete and <see cref="Flush"/> wait for every write handed over, and rethrow the first failure.
/// </summary>
/// <remarks>
/// Why: an epoch-end checkpoint is fsynced so that it survives a power loss, and on these machines that took 20-80 ms
/// for the 2.8 MB of an MLP's weights and Adam state, against a 0.7 s epoch, and once 0.6 s on a busy disk. Off the
/// training thread it costs the epoch nothing (the fsync waits on the disk, not the CPU), and a disk that falls behind
/// only makes the checkpoints sparser, never the training slower. What a kill can leave is unchanged: the store writes
/// each file atomically and deletes the older one only after the new one is durable, so a kill during a background
/// write resumes from an earlier epoch, as a kill during a synchronous write would. <see cref="Dispose"/> waits for
/// the writes without throwing (it runs while another exception may be unwinding); call <see cref="Flush"/> where a
/// failed write must be reported.
/// </remarks>
/// <param name="store">Where the checkpoints go.</param>
/// <param name="onWriterThread">Runs first on each writer thread (a thread of its own, ended after its writes): the
/// runner lowers its scheduling priority there (<see cref="TrainingAccelerators.IdleBackgroundThread"/>), so the
/// writes never take a core from the training threads.</param>
public sealed class BackgroundCheckpointWriter(ICheckpointStore store, Action? onWriterThread = null) : ICheckpointStore, IDisposable
{
    readonly object gate = new();
    Task? writing;
    (RunInfo Run, TrainingCheckpoint Checkpoint)? waiting;
    ExceptionDispatchInfo? failure;

    /// <inheritdoc />
    public void Save(RunInfo run, TrainingCheckpoint checkpoint)
    {
        while (true)
        {
            lock (gate)
            {
                if (failure != null)
                {
                    checkpoint.Dispose();   // not written: the failure before it is reported instead
                    ThrowFailure();
                }
                if (writing == null)
                {
                    // A thread of its own, not the pool's: the priority it gets ends with it.
                    writing = Task.Factory.StartNew(() =>
                    {
                        onWriterThread?.Invoke();
                        WriteFrom(run, checkpoint);
                    }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
                    return;
                }
                if (waiting is not { } older || older.Run.Id == run.Id)
                {
                    // The replaced checkpoint is never written: its buffers go back to the trainer now.
                    waiting?.Checkpoint.Dispose();
                    waiting = (run, checkpoint);
                    return;
                }
            }
            // Another run's checkpoint is waiting (never, with the runner, which flushes at each run's end): it is
            // written before this one.
            Wait();
        }
    }

    /// <inheritdoc />
    public void Delete(RunInfo run)
    {
        Flush();
        store.Delete(run);
    }

    /// <summary>Waits for every write handed over; rethrows the first failure (the original exception, not an AggregateException).</summary>
    public void Flush()
    {
        Wait();
        lock (gate) ThrowFailure();
    }

    /// <summary>Waits for every write handed over, ignoring failures (see the remarks).</summary>
    public void Dispose() => Wait();

    void Wait()
    {
        Task? task;
        lock (gate) task = writing;
        // The worker never faults (it records failures), and takes every waiting save before it ends.
        task?.Wait();
    }

    void WriteFrom(RunInfo run, TrainingCheckpoint checkpoint)
    {
        while (true)
        {
            try
            {
                store.Save(run, checkpoint);
            }
            catch (Exception e)
            {
                lock (gate)
                {
                    // A later checkpoint must not replace the one that failed: the failure is reported first.
                    failure ??= ExceptionDispatchInfo.Capture(e);
                    waiting?.Checkpoint.Dispose();
                    waiting = null;
                    writing = null;
                    return;
                }
            }
            lock (gate)
            {
                if (waiting is not { } next)
                {
                    writing = null;
                    return;
                }
                (run, checkpoint) = next;
                waiting = null;
            }
        }
    }

    void ThrowFailure()
    {
        var f = failure;
        failure = null;
        f?.Throw();
    }
}

using Harness.Experiments;
using Harness.Training;
using Xunit;

namespace Harness.Tests.Experiments;

/// <summary>
/// The background writer returns from a save before the write is done, even while another write is in flight; keeps
/// writes one at a time and in order, skipping a waiting checkpoint that a newer one of the same run replaces; lets a
/// delete wait for the writes handed over, and reports a failed write (the original exception) at the next call.
/// </summary>
public class BackgroundCheckpointWriterTests
{
    /// <summary>A store whose saves wait for the test to open the gate, and which logs what happened in which order.</summary>
    sealed class GatedStore : ICheckpointStore
    {
        public readonly ManualResetEventSlim Gate = new(false);
        public readonly List<string> Log = [];
        public Exception? Failure;

        public void Save(RunInfo run, TrainingCheckpoint checkpoint)
        {
            lock (Log) Log.Add($"save {checkpoint.Epoch} started");
            if (!Gate.Wait(TimeSpan.FromSeconds(30))) throw new TimeoutException("the test never opened the gate");
            if (Failure != null) throw Failure;
            lock (Log) Log.Add($"save {checkpoint.Epoch} done");
        }

        public void Delete(RunInfo run)
        {
            lock (Log) Log.Add("delete");
        }
    }

    static readonly RunInfo Run = new("r", "CE", "cross-entropy", 0, 0, 1, 3, "hash");

    static TrainingCheckpoint Checkpoint(int epoch, Action? release = null) => new()
    {
        RunId = "r", Seed = 0, LossName = "cross-entropy", InitialWeightsHash = "hash", Optimizer = "Adam", Device = "cpu",
        Epoch = epoch, Seconds = epoch, History = [], EarlyStoppingBest = 0, EarlyStoppingEpochsWithoutImprovement = 0, StoppedEarly = false,
        Release = release,
    };

    static void WaitFor(GatedStore store, string entry)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            lock (store.Log) if (store.Log.Contains(entry)) return;
            Assert.True(DateTime.UtcNow < until, $"'{entry}' never happened");
            Thread.Sleep(1);
        }
    }

    [Fact]
    public async Task Save_returns_before_the_write_and_a_delete_waits_for_it()
    {
        var store = new GatedStore();
        using var writer = new BackgroundCheckpointWriter(store);
        writer.Save(Run, Checkpoint(1));   // would block forever if it wrote on this thread
        WaitFor(store, "save 1 started");
        var delete = Task.Run(() => writer.Delete(Run));
        await Task.Delay(50);
        lock (store.Log) Assert.DoesNotContain("delete", store.Log);
        store.Gate.Set();
        await delete.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(["save 1 started", "save 1 done", "delete"], store.Log);
    }

    [Fact]
    public void Writes_are_one_at_a_time_and_a_save_behind_a_write_returns_at_once()
    {
        var store = new GatedStore();
        using var writer = new BackgroundCheckpointWriter(store);
        writer.Save(Run, Checkpoint(1));
        WaitFor(store, "save 1 started");
        writer.Save(Run, Checkpoint(2));   // returns although save 1 is still in flight (it would block forever otherwise)
        Thread.Sleep(50);
        lock (store.Log) Assert.DoesNotContain("save 2 started", store.Log);
        store.Gate.Set();
        writer.Flush();
        Assert.Equal(["save 1 started", "save 1 done", "save 2 started", "save 2 done"], store.Log);
    }

    [Fact]
    public async Task The_newest_waiting_save_replaces_an_older_one_and_another_runs_save_does_not()
    {
        var store = new GatedStore();
        var other = Run with { Id = "other" };
        using var writer = new BackgroundCheckpointWriter(store);
        writer.Save(Run, Checkpoint(1));
        WaitFor(store, "save 1 started");
        writer.Save(Run, Checkpoint(2));
        writer.Save(Run, Checkpoint(3));   // the disk fell behind: checkpoint 2 is skipped, 3 is written
        store.Gate.Set();
        writer.Flush();
        Assert.Equal(["save 1 started", "save 1 done", "save 3 started", "save 3 done"], store.Log);

        store.Gate.Reset();
        writer.Save(Run, Checkpoint(4));
        WaitFor(store, "save 4 started");
        writer.Save(Run, Checkpoint(5));
        var next = Task.Run(() => writer.Save(other, Checkpoint(6)));   // waits: run r's checkpoint 5 must not be lost
        await Task.Delay(50);
        Assert.False(next.IsCompleted);
        store.Gate.Set();
        await next.WaitAsync(TimeSpan.FromSeconds(30));
        writer.Flush();
        Assert.Equal(["save 4 started", "save 4 done", "save 5 started", "save 5 done", "save 6 started", "save 6 done"], store.Log.Skip(4));
    }

    [Fact]
    public void A_replaced_or_dropped_checkpoint_is_disposed_and_one_handed_to_the_store_is_left_to_it()
    {
        var released = new List<int>();
        TrainingCheckpoint Lent(int epoch) => Checkpoint(epoch, () => { lock (released) released.Add(epoch); });
        var store = new GatedStore();
        using (var writer = new BackgroundCheckpointWriter(store))
        {
            writer.Save(Run, Lent(1));
            WaitFor(store, "save 1 started");
            writer.Save(Run, Lent(2));
            writer.Save(Run, Lent(3));   // replaces 2, which is never written: its buffers go back at once
            lock (released) Assert.Equal([2], released);
            store.Gate.Set();
            writer.Flush();
            // 1 and 3 went to the store, whose job it is to dispose them (this one keeps them).
            lock (released) Assert.Equal([2], released);
        }

        var failing = new GatedStore { Failure = new IOException("disk gone") };
        using (var writer = new BackgroundCheckpointWriter(failing))
        {
            writer.Save(Run, Lent(4));
            WaitFor(failing, "save 4 started");
            writer.Save(Run, Lent(5));   // waiting when 4 fails: dropped, so disposed
            failing.Gate.Set();
            var until = DateTime.UtcNow.AddSeconds(30);
            while (true)
            {
                lock (released) if (released.Contains(5)) break;
                Assert.True(DateTime.UtcNow < until, "checkpoint 5 was never disposed");
                Thread.Sleep(1);
            }
            // The failure of 4 is reported to the next save, which is refused: 7 is never written, so it is disposed.
            Assert.Throws<IOException>(() => writer.Save(Run, Lent(7)));
            lock (released) Assert.Equal([2, 5, 7], released);
            writer.Flush();   // reported once
        }
    }

    [Fact]
    public void A_failed_write_is_rethrown_at_the_next_call_as_itself()
    {
        var store = new GatedStore { Failure = new IOException("No space left on device") };
        store.Gate.Set();
        using var writer = new BackgroundCheckpointWriter(store);
        writer.Save(Run, Checkpoint(1));
        var e = Assert.Throws<IOException>(() => writer.Delete(Run));
        Assert.Equal("No space left on device", e.Message);
        lock (store.Log) Assert.DoesNotContain("delete", store.Log);
        writer.Flush();   // reported once
    }

    [Fact]
    public async Task Dispose_waits_for_the_write_in_flight_and_does_not_throw()
    {
        var store = new GatedStore { Failure = new IOException("disk gone") };
        var writer = new BackgroundCheckpointWriter(store);
        writer.Save(Run, Checkpoint(1));
        WaitFor(store, "save 1 started");
        var dispose = Task.Run(writer.Dispose);
        await Task.Delay(50);
        Assert.False(dispose.IsCompleted);
        store.Gate.Set();
        await dispose.WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>The runner's hook (idle priority) runs on the writing thread, a thread of its own, not the pool's or the caller's.</summary>
    [Fact]
    public void The_writer_thread_hook_runs_first_on_a_thread_of_its_own()
    {
        var store = new GatedStore();
        store.Gate.Set();
        int? hookThread = null;
        bool pooled = true;
        using (var writer = new BackgroundCheckpointWriter(store, () =>
               {
                   hookThread = Environment.CurrentManagedThreadId;
                   pooled = Thread.CurrentThread.IsThreadPoolThread;
                   lock (store.Log) store.Log.Add("hook");
               }))
        {
            writer.Save(Run, Checkpoint(1));
            writer.Flush();
        }
        Assert.Equal(["hook", "save 1 started", "save 1 done"], store.Log);
        Assert.NotEqual(Environment.CurrentManagedThreadId, hookThread);
        Assert.False(pooled, "the hook ran on a thread-pool thread, which would keep its priority after the write");
    }
}

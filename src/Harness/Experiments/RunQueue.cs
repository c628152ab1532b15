using System.Runtime.ExceptionServices;

namespace Harness.Experiments;

/// <summary>
/// Works through a list in order on up to N threads of this process (the calling thread is the first): each thread
/// takes the next item when it is free. Threads, not processes: a grid's runs are mostly short (a fraction of a second
/// for the digits and tabular grids), and a worker process pays about a second and a half of start-up (libtorch, the
/// data) before its first step (docs/performance.md, "Whole grids").
/// </summary>
/// <remarks>
/// An exception ends the queue: the other threads finish the item in hand and take no more, and the first exception is
/// rethrown on the calling thread as it was thrown. Worker threads get the main thread's 8 MB stack, as libtorch's
/// autograd recursion may want.
/// </remarks>
static class RunQueue
{
    const int StackBytes = 8 << 20;

    /// <summary>
    /// Calls <paramref name="work"/>(worker, index) for every index below <paramref name="count"/>, on up to
    /// <paramref name="workers"/> threads; returns the results by index.
    /// </summary>
    public static T?[] Run<T>(int workers, int count, Func<int, int, T?> work) where T : class
    {
        var results = new T?[count];
        var next = -1;
        ExceptionDispatchInfo? failure = null;

        void Work(int worker)
        {
            for (int i; Volatile.Read(ref failure) == null && (i = Interlocked.Increment(ref next)) < count;)
            {
                try { results[i] = work(worker, i); }
                catch (Exception e) { Interlocked.CompareExchange(ref failure, ExceptionDispatchInfo.Capture(e), null); }
            }
        }

        var threads = Enumerable.Range(1, Math.Max(0, Math.Min(workers, count) - 1))
            .Select(w => new Thread(() => Work(w), StackBytes) { Name = $"run worker {w}", IsBackground = true })
            .ToList();
        foreach (var t in threads) t.Start();
        Work(0);
        foreach (var t in threads) t.Join();
        failure?.Throw();
        return results;
    }
}

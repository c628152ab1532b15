using static TorchSharp.torch;

namespace CustomLosses.Tests.ScalarTemporaries;

/// <summary>
/// Counts what a call leaves for the garbage collector's finalizer thread: objects with a finalizer that nobody
/// disposed, such as a temporary TorchSharp <c>Scalar</c> (which another thread's collection can free while libtorch
/// reads it) or a <c>PinnedArray</c> (which feeds gen-1 collections). Each call runs in its own dispose scope. Linked
/// into Harness.Tests too.
/// </summary>
internal static class FinalizableObjects
{
    /// <summary>Finalizable objects left per call of <paramref name="call"/>, over <paramref name="calls"/> calls.</summary>
    public static double PerCall(Action call, int calls = 100)
    {
        void Once()
        {
            using var scope = NewDisposeScope();
            call();
        }
        Once();
        // Whatever earlier code left is finalized first, so that only these calls' objects are pending afterwards.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        for (int i = 0; i < calls; i++) Once();
        GC.Collect(0, GCCollectionMode.Forced, blocking: true);
        return GC.GetGCMemoryInfo(GCKind.Any).FinalizationPendingCount / (double)calls;
    }
}

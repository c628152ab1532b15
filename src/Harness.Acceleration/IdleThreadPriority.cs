using System.Runtime.InteropServices;

namespace Harness.Acceleration;

/// <summary>
/// Puts the calling thread in Linux's <c>SCHED_IDLE</c> class: it runs only on a core no normal thread wants, so
/// background work (the checkpoint writer's serializing, hashing and fsync) waits for the training threads' gaps
/// instead of taking a core from them. Scheduling only: what the thread computes is unchanged. Elsewhere (another OS,
/// a kernel or sandbox that refuses) the thread keeps its priority.
/// </summary>
/// <remarks>
/// Why not a lower nice value: with libtorch's threads on every core, a nice 19 thread still gets its share of a busy
/// core's time slices (a weight of 15 against 1024, every scheduling period), and libtorch's threads wait for each
/// other, so a slice taken from one delays the whole step; <c>SCHED_IDLE</c> threads yield to any normal one. Only
/// for threads that end or that do nothing else afterwards: the class cannot be raised back without privileges.
/// </remarks>
public static partial class IdleThreadPriority
{
    const int SchedIdle = 5;

    /// <summary>Lowers the calling thread to <c>SCHED_IDLE</c>; returns whether the kernel agreed.</summary>
    public static bool LowerCurrentThread()
    {
        if (!OperatingSystem.IsLinux()) return false;
        var parameters = new SchedParam();
        try
        {
            // pid 0: the calling thread (Linux schedules threads, and sched_setscheduler acts on one).
            return sched_setscheduler(0, SchedIdle, ref parameters) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    /// <summary>Whether the calling thread is in the <c>SCHED_IDLE</c> class (tests).</summary>
    public static bool IsCurrentThreadIdle() => OperatingSystem.IsLinux() && sched_getscheduler(0) == SchedIdle;

    [StructLayout(LayoutKind.Sequential)]
    struct SchedParam
    {
        public int Priority;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int sched_setscheduler(int pid, int policy, ref SchedParam parameters);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int sched_getscheduler(int pid);
}

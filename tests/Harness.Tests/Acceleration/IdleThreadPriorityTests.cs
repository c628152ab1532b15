using Harness.Acceleration;
using Harness.Experiments;
using Xunit;

namespace Harness.Tests.Acceleration;

/// <summary>The checkpoint writer's thread really ends up in Linux's SCHED_IDLE class, and no other thread does.</summary>
public class IdleThreadPriorityTests
{
    [SkippableFact]
    public void The_runners_hook_puts_only_the_calling_thread_at_idle_priority()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "SCHED_IDLE is Linux's");
        bool lowered = false, idleAfter = false;
        var thread = new Thread(() =>
        {
            TrainingAccelerators.IdleBackgroundThread();
            idleAfter = IdleThreadPriority.IsCurrentThreadIdle();
            lowered = IdleThreadPriority.LowerCurrentThread();
        });
        thread.Start();
        thread.Join();
        Skip.IfNot(lowered, "this kernel or sandbox refuses SCHED_IDLE");
        Assert.True(idleAfter, "the hook left the thread at normal priority");
        Assert.False(IdleThreadPriority.IsCurrentThreadIdle(), "the calling thread must keep its priority");
    }
}

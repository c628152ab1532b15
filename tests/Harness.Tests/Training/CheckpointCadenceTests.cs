using Harness.Training;
using Xunit;

namespace Harness.Tests.Training;

/// <summary>Which epochs end with a checkpoint: every n-th by count, by time at 0, and never the run's last.</summary>
public class CheckpointCadenceTests
{
    [Fact]
    public void Every_nth_epoch_by_its_number_but_never_the_last()
    {
        var cadence = new CheckpointCadence(every: 2, epochs: 6);
        var due = Enumerable.Range(1, 6).Where(e => cadence.IsDue(e, last: false, runSeconds: e)).ToList();
        Assert.Equal([2, 4], due);
        Assert.Equal([1, 2, 3], Enumerable.Range(1, 4).Where(e => new CheckpointCadence(1, 4).IsDue(e, false, 0)));
    }

    [Fact]
    public void An_early_stop_is_the_runs_last_epoch()
    {
        Assert.False(new CheckpointCadence(1, 10).IsDue(3, last: true, runSeconds: 0));
    }

    [Fact]
    public void By_time_once_the_interval_has_passed_since_the_last_checkpoint()
    {
        const double interval = CheckpointCadence.AutoIntervalSeconds;
        var cadence = new CheckpointCadence(every: 0, epochs: 100);
        Assert.False(cadence.IsDue(1, false, interval * 0.5));
        Assert.True(cadence.IsDue(2, false, interval * 1.1));
        // The interval counts from that checkpoint, not from the run's start.
        Assert.False(cadence.IsDue(3, false, interval * 1.9));
        Assert.True(cadence.IsDue(4, false, interval * 2.2));
        Assert.False(cadence.IsDue(100, false, interval * 10));
    }
}

namespace Harness.Training;

/// <summary>
/// Which epochs of a run end with a checkpoint (<c>training.checkpointEvery</c>): every n-th epoch, or by time, like
/// Lightning's <c>every_n_epochs</c> and <c>train_time_interval</c>. Never the run's final epoch: its summary is
/// written right after it, and a kill in between resumes from the checkpoint before (bit-identical, only later).
/// One instance per run (it remembers when that run last checkpointed).
/// </summary>
/// <remarks>
/// Why by time by default: what a checkpoint costs (capturing the state, then hashing, writing and fsyncing it beside
/// the training threads) is fixed per checkpoint, so per epoch it weighs most where epochs are short, while the work a
/// kill can lose grows with the epoch's length. A time interval bounds both for any model: at most one checkpoint per
/// interval, and at most the interval plus one epoch lost (docs/performance.md has the measurements).
/// </remarks>
/// <param name="every">Epochs between checkpoints; 0: by time (<see cref="AutoIntervalSeconds"/>).</param>
/// <param name="epochs">The run's epochs.</param>
/// <param name="startSeconds">The run clock's reading where the run (or its resumed part) starts.</param>
public sealed class CheckpointCadence(int every, int epochs, double startSeconds = 0)
{
    /// <summary>With <c>checkpointEvery</c> 0: the least training time between a run's checkpoints (or its start and the first).</summary>
    public const double AutoIntervalSeconds = 60;

    double lastSeconds = startSeconds;

    /// <summary>
    /// Whether the epoch that just ended is checkpointed; <paramref name="last"/> says the run ends after it (final epoch,
    /// early stop), <paramref name="runSeconds"/> is the run clock's reading now. A true answer counts as the checkpoint.
    /// </summary>
    public bool IsDue(int epoch, bool last, double runSeconds)
    {
        if (last || epoch >= epochs) return false;
        var due = every > 0 ? epoch % every == 0 : runSeconds - lastSeconds >= AutoIntervalSeconds;
        if (due) lastSeconds = runSeconds;
        return due;
    }
}

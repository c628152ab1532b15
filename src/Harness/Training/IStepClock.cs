using System.Diagnostics;

namespace Harness.Training;

/// <summary>The phases of an epoch whose time the metrics record (metrics.csv: data_seconds, compute_seconds, evaluation_seconds).</summary>
public enum StepPhase
{
    /// <summary>Taking a batch from the batch source.</summary>
    Data,
    /// <summary>The work every training loop does: forward and loss, backward (and clipping), the optimizer step, releasing the step's tensors.</summary>
    Compute,
    /// <summary>Evaluating the validation and test splits.</summary>
    Evaluation,
}

/// <summary>
/// The training loop's clock: the run's and the epoch's elapsed time, and per-phase time as laps between marks.
/// <see cref="StopwatchClock"/> is the one the harness uses; reading it costs nanoseconds.
/// </summary>
public interface IStepClock
{
    /// <summary>Starts (or restarts) the run's time.</summary>
    void StartRun();

    /// <summary>Seconds since <see cref="StartRun"/>.</summary>
    double RunSeconds { get; }

    /// <summary>Starts an epoch's time and clears the per-phase totals.</summary>
    void StartEpoch();

    /// <summary>Seconds since <see cref="StartEpoch"/>.</summary>
    double EpochSeconds { get; }

    /// <summary>Marks now as the start of the next lap.</summary>
    void Mark();

    /// <summary>Adds the time since the last mark (or lap) to <paramref name="phase"/>, and marks now.</summary>
    void Lap(StepPhase phase);

    /// <summary>The epoch's total for <paramref name="phase"/>.</summary>
    double Seconds(StepPhase phase);
}

/// <summary>An <see cref="IStepClock"/> on <see cref="Stopwatch"/> timestamps.</summary>
public sealed class StopwatchClock : IStepClock
{
    readonly long[] ticks = new long[3];
    long runStart, epochStart, mark;

    /// <inheritdoc />
    public void StartRun() => runStart = Stopwatch.GetTimestamp();

    /// <inheritdoc />
    public double RunSeconds => Stopwatch.GetElapsedTime(runStart).TotalSeconds;

    /// <inheritdoc />
    public void StartEpoch()
    {
        Array.Clear(ticks);
        epochStart = mark = Stopwatch.GetTimestamp();
    }

    /// <inheritdoc />
    public double EpochSeconds => Stopwatch.GetElapsedTime(epochStart).TotalSeconds;

    /// <inheritdoc />
    public void Mark() => mark = Stopwatch.GetTimestamp();

    /// <inheritdoc />
    public void Lap(StepPhase phase)
    {
        long now = Stopwatch.GetTimestamp();
        ticks[(int)phase] += now - mark;
        mark = now;
    }

    /// <inheritdoc />
    public double Seconds(StepPhase phase) => ticks[(int)phase] / (double)Stopwatch.Frequency;
}

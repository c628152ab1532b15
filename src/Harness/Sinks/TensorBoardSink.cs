using Harness.Metrics;
using Harness.Training;

namespace Harness.Sinks;

/// <summary>
/// Per-run scalars for TensorBoard, written into <c>tensorboard/&lt;run id&gt;/</c> (<see cref="TensorBoardEventFile"/>),
/// so <c>tensorboard --logdir results/&lt;name&gt;/tensorboard</c> shows every run's curves side by side. One event per
/// scalar; an epoch's events are appended with one write when the epoch completes.
/// </summary>
/// <remarks>
/// The one writer that is not atomic, by design: an event file is an append-only log of length-prefixed, CRC-checked
/// records, and TensorBoard reads a file whose last record a kill cut short up to that record. An event file is never
/// appended to by a later process (files are named by time, host and process), so a run that starts (or starts over) removes
/// its folder's older event files, and a resumed run writes the epochs its checkpoint holds again before it goes on:
/// TensorBoard shows each epoch once, from one file.
/// </remarks>
public sealed class TensorBoardSink(string folder, bool classification) : ITrainingObserver
{
    readonly Dictionary<string, TensorBoardEventFile> writers = new();

    /// <inheritdoc />
    public void RunStarted(RunInfo run)
    {
        var runFolder = Path.Combine(folder, run.Id);
        Output.FileSystemException.Guard("remove older TensorBoard events in", runFolder, () =>
        {
            if (Directory.Exists(runFolder))
                foreach (var old in Directory.EnumerateFiles(runFolder, "events.out.tfevents.*")) File.Delete(old);
        });
        Close(run.Id);
        writers[run.Id] = Output.FileSystemException.Guard("create the TensorBoard events in", runFolder, () => new TensorBoardEventFile(runFolder));
    }

    /// <inheritdoc />
    public void RunResumed(RunInfo run, IReadOnlyList<EpochMetrics> history)
    {
        foreach (var m in history) EpochCompleted(run, m);
    }

    /// <inheritdoc />
    public void EpochCompleted(RunInfo run, EpochMetrics m)
    {
        var w = writers[run.Id];
        void Add(string tag, double? value)
        {
            if (value is { } v && double.IsFinite(v)) w.AddScalar(tag, (float)v, m.Epoch);
        }
        Add("loss/train", m.TrainLoss);
        Add("yardstick/test", m.TestYardstick);
        Add("yardstick/validation", m.ValidationYardstick);
        if (classification)
        {
            Add("accuracy/train", m.TrainAccuracy);
            Add("accuracy/validation", m.ValidationAccuracy);
            Add("accuracy/test", m.TestAccuracy);
            Add("balanced_accuracy/test", m.TestBalancedAccuracy);
            Add("macro_f1/test", m.TestMacroF1);
        }
        else
        {
            Add("rmse/validation", m.ValidationRmse);
            Add("rmse/test", m.TestRmse);
            Add("mae/test", m.TestMae);
            Add("r2/test", m.TestR2);
        }
        Add("optimizer/learning_rate", m.LearningRate);
        Add("optimizer/gradient_norm", m.MeanGradientNorm);
        Add("speed/samples_per_second", m.SamplesPerSecond);
        w.Flush();
    }

    /// <inheritdoc />
    public void RunCompleted(RunResult result) => Close(result.Run.Id);

    /// <inheritdoc />
    public void RunFailed(RunInfo run, string error) => Close(run.Id);

    void Close(string runId)
    {
        if (writers.Remove(runId, out var file)) file.Dispose();
    }
}

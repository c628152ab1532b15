using Harness.Metrics;
using Harness.Training;
using static TorchSharp.torch;

namespace Harness.Sinks;

/// <summary>
/// Per-run scalars for TensorBoard, written with TorchSharp's own SummaryWriter into
/// <c>tensorboard/&lt;run id&gt;/</c>, so <c>tensorboard --logdir results/&lt;name&gt;/tensorboard</c> shows every
/// run's curves side by side. One event per epoch (the writer appends and flushes synchronously).
/// </summary>
/// <remarks>
/// The one writer that is not atomic, by design: an event file is an append-only log of length-prefixed, CRC-checked
/// records, and TensorBoard reads a file whose last record a kill cut short up to that record. A resumed run starts a
/// new event file in the same folder (SummaryWriter names files by time, host and process); epochs trained again after the
/// resume appear twice with the same step, and TensorBoard shows both points, which coincide on the CPU.
/// </remarks>
public sealed class TensorBoardSink(string folder, bool classification) : ITrainingObserver
{
    readonly Dictionary<string, TorchSharp.Modules.SummaryWriter> writers = new();

    /// <inheritdoc />
    public void RunStarted(RunInfo run) =>
        writers[run.Id] = utils.tensorboard.SummaryWriter(Path.Combine(folder, run.Id));

    /// <inheritdoc />
    public void EpochCompleted(RunInfo run, EpochMetrics m)
    {
        var w = writers[run.Id];
        void Add(string tag, double? value)
        {
            if (value is { } v && double.IsFinite(v)) w.add_scalar(tag, (float)v, m.Epoch);
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
    }

    /// <inheritdoc />
    public void RunCompleted(RunResult result) => writers.Remove(result.Run.Id);

    /// <inheritdoc />
    public void RunFailed(RunInfo run, string error) => writers.Remove(run.Id);
}

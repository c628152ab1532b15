using Harness.Config;
using Harness.Data;
using Harness.Metrics;
using Harness.Metrics.Calibration;
using Harness.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Training;

/// <summary>
/// The training loop for one run, in the shape of Lightning's fit loop: set up the stepper, batches and accuracy count
/// (<see cref="ITrainingPaths"/>), resume, then per epoch train (<see cref="EpochLoop"/>: seeded order, a dispose scope
/// per step, divergence detection), step the schedule, evaluate, stop early or checkpoint. It reports through
/// <see cref="ITrainingObserver"/>s and writes nothing itself.
/// </summary>
/// <remarks>
/// Each run draws its dropout masks from a generator of its own, seeded with the run's seed (<see cref="SeededDropout"/>),
/// so runs may train at the same time in one process, each with the masks it would draw alone. A trainer keeps
/// checkpoint buffers for one run at a time: give each concurrent run its own trainer.
/// </remarks>
/// <param name="config">How to train.</param>
/// <param name="device">The training device.</param>
/// <param name="convergenceTarget">Validation target for epochs-to-target, or null.</param>
/// <param name="temperatureScaling">Classification: fit a temperature on the validation split after training and report test calibration after it.</param>
/// <param name="paths">The implementations behind the loop's seams; null: the plain ones (<see cref="PlainTrainingPaths"/>).</param>
public sealed class Trainer(TrainingConfig config, Device device, double? convergenceTarget, bool temperatureScaling = false, ITrainingPaths? paths = null)
{
    /// <summary>
    /// Where batches, steps, accuracy counts, checkpoint memory and the clock come from (the plain ones unless the
    /// runner plugs in faster ones).
    /// </summary>
    readonly ITrainingPaths seams = paths ?? PlainTrainingPaths.Instance;

    /// <summary>What the epoch-end checkpoints are serialized into, for every run of this trainer.</summary>
    readonly ICheckpointMemory checkpointMemory = (paths ?? PlainTrainingPaths.Instance).CheckpointMemory();

    /// <summary>Trains <paramref name="model"/> (already on the device, with the run's initial weights) and returns the run's result.</summary>
    /// <param name="run">Which run.</param>
    /// <param name="model">The model, on the device, with the run's initial weights.</param>
    /// <param name="binding">The loss bound to the data.</param>
    /// <param name="data">The splits on the device.</param>
    /// <param name="observers">Sinks and displays.</param>
    /// <param name="checkpoints">Where to checkpoint at the end of the epochs <see cref="CheckpointCadence"/> picks (none when null).</param>
    /// <param name="resumeFrom">A checkpoint of this run to continue from (null: start at epoch 1).</param>
    public RunResult Train(RunInfo run, nn.Module<Tensor, Tensor> model, LossBinding binding, DeviceData data, IReadOnlyList<ITrainingObserver> observers,
        ICheckpointStore? checkpoints = null, TrainingCheckpoint? resumeFrom = null)
    {
        var classification = binding.Task == TaskKind.Classification;
        using var stepper = seams.Stepper(model, config.Optimizer);
        var schedule = OptimizerFactory.CreateSchedule(config.Schedule, stepper.Optimizer, config.Epochs);
        var stopping = new EarlyStopping(config.EarlyStopping, classification);
        // Runs of one loss share its module (and its option tensors), also when they train at once.
        lock (binding.Module) binding.Module.to(device);

        // Seeded per run, not per loss: every loss of a seed draws the same dropout masks.
        using var generator = new Generator(unchecked((ulong)run.Seed));
        foreach (var dropout in model.modules().OfType<SeededDropout>()) dropout.Generator = generator;
        if (device.type == DeviceType.CUDA) cuda.manual_seed_all(run.Seed);

        var dtype = data.TrainFeatures.dtype;
        using var encodedTargets = binding.Encoding.Encode(data.TrainTargets, binding.ClassCount, dtype).DetachFromDisposeScope();
        using var accuracy = classification ? seams.Accuracy(binding, data.TrainTargets, dtype) : null;
        using var batches = seams.Batches(data, encodedTargets, config.BatchSize);
        var loop = new EpochLoop(config, device, run, model, binding, data, stepper, batches, accuracy, seams.Clock(), observers);
        loop.Clock.StartRun();
        var history = new List<EpochMetrics>();
        double secondsBefore = 0;
        string? divergence = null;
        bool stoppedEarly = false;
        IReadOnlyList<double>? recall = null;
        if (resumeFrom != null)
        {
            Restore(resumeFrom, run, model, stepper.Optimizer, schedule, stopping, generator);
            history.AddRange(resumeFrom.History);
            (secondsBefore, stoppedEarly, recall) = (resumeFrom.Seconds, resumeFrom.StoppedEarly, resumeFrom.TestRecallPerClass);
        }
        foreach (var o in observers) o.RunStarted(run);
        if (resumeFrom != null)
            foreach (var o in observers) o.RunResumed(run, history);

        var cadence = new CheckpointCadence(config.CheckpointEvery, config.Epochs);
        for (int epoch = resumeFrom is null ? 1 : resumeFrom.Epoch + 1; epoch <= config.Epochs && !stoppedEarly; epoch++)
        {
            if (loop.TrainEpoch(epoch, out divergence) is not { } trained) break;
            schedule?.step();
            var metrics = loop.Evaluate(trained, out recall);
            history.Add(metrics);
            foreach (var o in observers) o.EpochCompleted(run, metrics);
            stoppedEarly = stopping.ShouldStop(metrics);
            if (checkpoints != null && cadence.IsDue(epoch, stoppedEarly, loop.Clock.RunSeconds))
                checkpoints.Save(run, Capture(run, model, stepper.Optimizer, stopping, generator, history, stoppedEarly, recall,
                    secondsBefore + loop.Clock.RunSeconds));
        }

        var result = new RunResult(run, history,
            ConvergenceMetrics.From(history, classification, convergenceTarget, divergence != null, stoppedEarly,
                config.EarlyStopping.Metric.Trim().Equals("loss", StringComparison.OrdinalIgnoreCase)),
            secondsBefore + loop.Clock.RunSeconds, divergence, recall)
        {
            Calibration = classification && divergence == null && history.Count > 0 ? Calibrate(model, binding, data) : null,
        };
        foreach (var o in observers) o.RunCompleted(result);
        // Only now that the summary is written: a kill before this line leaves a checkpoint to finish from.
        checkpoints?.Delete(run);
        return result;
    }

    /// <summary>
    /// The final model's test calibration, and with temperature scaling the temperature fitted on validation and the
    /// test calibration after it.
    /// </summary>
    RunCalibration? Calibrate(nn.Module<Tensor, Tensor> model, LossBinding binding, DeviceData data)
    {
        if (Evaluator.ClassLogits(model, binding, data.TestFeatures, data.TestTargets) is not { } test) return null;
        var before = Measure(test.Logits, test.Labels, test.Classes);
        if (!temperatureScaling || Evaluator.ClassLogits(model, binding, data.ValidationFeatures, data.ValidationTargets) is not { } validation)
            return new RunCalibration(before, null, null, null, null);
        var temperature = TemperatureScaling.Fit(validation.Logits, validation.Labels, validation.Classes);
        var after = Measure(TemperatureScaling.Apply(test.Logits, temperature), test.Labels, test.Classes);
        return new RunCalibration(before, temperature, after, Measure(validation.Logits, validation.Labels, validation.Classes).Nll,
            Measure(TemperatureScaling.Apply(validation.Logits, temperature), validation.Labels, validation.Classes).Nll);
    }

    static CalibrationMetrics Measure(double[] logits, long[] labels, int classes)
    {
        var accumulator = new CalibrationAccumulator();
        accumulator.Add(logits, labels, classes);
        return accumulator.Compute();
    }

    TrainingCheckpoint Capture(RunInfo run, nn.Module model, optim.Optimizer optimizer, EarlyStopping stopping, Generator generator,
        List<EpochMetrics> history, bool stoppedEarly, IReadOnlyList<double>? recall, double seconds)
    {
        var state = stopping.Save();
        using var rng = generator.get_state();
        var modelStream = checkpointMemory.Rent(ModelStateBytes.SizeHint(model));
        var optimizerStream = checkpointMemory.Rent(ModelStateBytes.SizeHint(model, tensorsPerParameter: 3));
        return new TrainingCheckpoint
        {
            RunId = run.Id, Seed = run.Seed, LossName = run.LossName, InitialWeightsHash = run.InitialWeightsHash,
            Optimizer = optimizer.GetType().Name, Device = device.type.ToString().ToLowerInvariant(),
            Epoch = history.Count, Seconds = seconds, History = [.. history],
            EarlyStoppingBest = state.Best, EarlyStoppingEpochsWithoutImprovement = state.EpochsWithoutImprovement,
            StoppedEarly = stoppedEarly, TestRecallPerClass = recall?.ToArray(),
            ModelState = ModelStateBytes.Save(model, modelStream),
            OptimizerState = SaveOptimizer(optimizer, optimizerStream),
            RngState = rng.bytes.ToArray(),
            Release = () =>
            {
                checkpointMemory.Return(modelStream);
                checkpointMemory.Return(optimizerStream);
            },
        };
    }

    /// <summary>
    /// Puts the run back where the checkpoint left it. The schedule is stepped once per completed epoch on the fresh
    /// optimizer (TorchSharp's schedulers expose no state; their recursive formulas then give the same learning
    /// rates bit for bit), and the optimizer's own state, learning rates included, is loaded over that.
    /// </summary>
    void Restore(TrainingCheckpoint c, RunInfo run, nn.Module model, optim.Optimizer optimizer, optim.lr_scheduler.LRScheduler? schedule,
        EarlyStopping stopping, Generator generator)
    {
        if (c.RunId != run.Id || c.InitialWeightsHash != run.InitialWeightsHash || c.Seed != run.Seed)
            throw new InvalidDataException($"the checkpoint belongs to run '{c.RunId}' (seed {c.Seed}, " +
                                           $"initial weights {c.InitialWeightsHash[..Math.Min(12, c.InitialWeightsHash.Length)]}), not to this run");
        if (c.Optimizer != optimizer.GetType().Name)
            throw new InvalidDataException($"the checkpoint holds {c.Optimizer} state, this run uses {optimizer.GetType().Name}");
        if (c.Epoch < 1 || c.Epoch > config.Epochs)
            throw new InvalidDataException($"the checkpoint is at epoch {c.Epoch}; the run has {config.Epochs} epochs");
        ModelStateBytes.Load(model, c.ModelState);
        for (int e = 0; e < c.Epoch; e++) schedule?.step();
        try
        {
            using var reader = new BinaryReader(ModelStateBytes.Reading(c.OptimizerState));
            Stateful(optimizer).load_state_dict(reader);
        }
        catch (Exception e) when (e is ArgumentException or EndOfStreamException)
        {
            throw new InvalidDataException($"the optimizer state does not fit this run's optimizer: {e.Message}", e);
        }
        stopping.Restore(new EarlyStopping.State(c.EarlyStoppingBest, c.EarlyStoppingEpochsWithoutImprovement));
        using var rng = tensor(c.RngState, ScalarType.Byte);
        generator.set_state(rng);
        // The CUDA generator's state is not reachable from TorchSharp: reseed it from (seed, epoch), deterministic but
        // not the stream an uninterrupted run would have drawn (CUDA runs are not bit-reproducible anyway).
        if (device.type == DeviceType.CUDA) cuda.manual_seed_all(unchecked(run.Seed * 1_000_003L + c.Epoch));
    }

    static ReadOnlyMemory<byte> SaveOptimizer(optim.Optimizer optimizer, MemoryStream stream)
    {
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
            Stateful(optimizer).save_state_dict(writer);
        return ModelStateBytes.Written(stream);
    }

    /// <summary>TorchSharp's managed optimizers (all of <see cref="OptimizerFactory"/>'s) save and load their state through this base class.</summary>
    static TorchSharp.Modules.OptimizerHelper Stateful(optim.Optimizer optimizer) => optimizer as TorchSharp.Modules.OptimizerHelper
        ?? throw new NotSupportedException($"{optimizer.GetType().Name} cannot save its state for a checkpoint.");

    /// <summary>
    /// Without clipping, the gradient norm is read on every <c>GradientNormStride(batches)</c>-th step, from the first:
    /// every 8th step, or fewer steps where an epoch has more than 128 batches, so that no epoch reads it more than 16
    /// times. A read costs a pass over every gradient and a few kernel launches (about 65 us for the Fashion-MNIST MLP
    /// at 2 threads: 3.8 ms of a 0.75 s epoch at every 8th of its 469 steps, 1 ms at 16 reads), and the epoch mean of
    /// a sample is what the log needs. With clipping it is computed on every step anyway and every step counts.
    /// </summary>
    public static int GradientNormStride(int batches) => Math.Max(8, (batches + MaxGradientNormReads - 1) / MaxGradientNormReads);

    /// <summary>At most this many gradient-norm reads per epoch without clipping (see <see cref="GradientNormStride"/>).</summary>
    public const int MaxGradientNormReads = 16;
}

using System.Diagnostics;
using CustomLosses;
using Harness.Config;
using Harness.Data;
using Harness.Metrics;
using Harness.Metrics.Calibration;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Training;

/// <summary>
/// The training loop for one run: seeded epoch orders, gathered mini-batches (BatchGather), a dispose scope per step,
/// evaluation per epoch, early stopping and divergence detection. It reports through <see cref="ITrainingObserver"/>s
/// and writes nothing itself.
/// </summary>
/// <remarks>
/// Dropout draws from libtorch's process-wide generator, which each run reseeds: run one trainer per process at a
/// time (the runner does), or concurrent runs will disturb each other's dropout masks.
/// </remarks>
/// <param name="config">How to train.</param>
/// <param name="device">The training device.</param>
/// <param name="convergenceTarget">Validation target for epochs-to-target, or null.</param>
/// <param name="temperatureScaling">Classification: fit a temperature on the validation split after training and report test calibration after it.</param>
public sealed class Trainer(TrainingConfig config, Device device, double? convergenceTarget, bool temperatureScaling = false)
{
    /// <summary>Test hook: force index_select batches even where the CPU row copy applies (both must train the same bits).</summary>
    internal bool ForceIndexSelect { get; init; }

    /// <summary>Test hook: step with TorchSharp's optimizer even where <see cref="FusedAdamStep"/> applies (both must train the same bits).</summary>
    internal bool ForceOptimizerStep { get; init; }

    /// <summary>What the epoch-end checkpoints are serialized into, reused once a store has written them (see <see cref="CheckpointBuffers"/>).</summary>
    readonly CheckpointBuffers captureBuffers = new();

    /// <summary>Trains <paramref name="model"/> (already on the device, with the run's initial weights) and returns the run's result.</summary>
    /// <param name="run">Which run.</param>
    /// <param name="model">The model, on the device, with the run's initial weights.</param>
    /// <param name="binding">The loss bound to the data.</param>
    /// <param name="data">The splits on the device.</param>
    /// <param name="observers">Sinks and displays.</param>
    /// <param name="checkpoints">Where to checkpoint at the end of every epoch (none when null).</param>
    /// <param name="resumeFrom">A checkpoint of this run to continue from (null: start at epoch 1).</param>
    /// <remarks>
    /// Compiled fully optimized at its first call (<c>AggressiveOptimization</c>). Why: a run calls this once, so tiered
    /// compilation never promotes it; its loop ran as quick tier-0 code until the runtime replaced it on the stack, which
    /// cost one step 27-47 ms (and another epoch 0.1 ms more bookkeeping on every step). Measured in the throughput
    /// benchmark (MLP, 2 threads): an epoch's bookkeeping 53-55 ms instead of 5-8 ms in a quarter of the runs; with
    /// loops compiled optimized from the start (<c>DOTNET_TC_QuickJitForLoops=0</c>) it stayed at 4.9-8.0 ms in all of them.
    /// </remarks>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public RunResult Train(RunInfo run, nn.Module<Tensor, Tensor> model, LossBinding binding, DeviceData data, IReadOnlyList<ITrainingObserver> observers,
        ICheckpointStore? checkpoints = null, TrainingCheckpoint? resumeFrom = null)
    {
        var classification = binding.Task == TaskKind.Classification;
        // One flat buffer for all parameters when they can share one: the optimizer and zero_grad then launch one kernel
        // per operation for the whole model (see ContiguousParameters); otherwise the parameters are stepped one by one.
        using var contiguous = ContiguousParameters.TryCreate(model);
        IReadOnlyList<TorchSharp.Modules.Parameter> parameters = contiguous is null ? model.parameters().ToList() : [contiguous.Flat];
        using var optimizer = OptimizerFactory.Create(config.Optimizer, parameters);
        // Adam and AdamW over the flat buffer step in two SIMD passes, bit-identical to optimizer.step() (see FusedAdamStep).
        var fusedStep = contiguous is null || ForceOptimizerStep ? null : FusedAdamStep.TryCreate(optimizer, contiguous.Flat);
        var schedule = OptimizerFactory.CreateSchedule(config.Schedule, optimizer, config.Epochs);
        var stopping = new EarlyStopping(config.EarlyStopping, classification);
        binding.Module.to(device);

        // Dropout draws from the global generator: seeding it per run gives every loss of a seed the same masks.
        manual_seed(run.Seed);
        if (device.type == DeviceType.CUDA) cuda.manual_seed_all(run.Seed);

        var dtype = data.TrainFeatures.dtype;
        using var encodedTargets = binding.Encoding.Encode(data.TrainTargets, binding.ClassCount, dtype).DetachFromDisposeScope();
        using var accuracy = classification ? TrainingAccuracy.For(binding, data.TrainTargets, dtype) : null;
        using var gather = ForceIndexSelect ? new IndexSelectGather(data.TrainFeatures, encodedTargets) : BatchGather.For(data.TrainFeatures, encodedTargets, config.BatchSize, data.TrainPixels);
        long n = data.TrainFeatures.shape[0];
        int batchSize = config.BatchSize;
        var history = new List<EpochMetrics>();
        var runWatch = Stopwatch.StartNew();
        double secondsBefore = 0;
        string? divergence = null;
        bool stoppedEarly = false;
        IReadOnlyList<double>? recall = null;
        int firstEpoch = 1;
        if (resumeFrom != null)
        {
            Restore(resumeFrom, run, model, optimizer, schedule, stopping);
            history.AddRange(resumeFrom.History);
            secondsBefore = resumeFrom.Seconds;
            stoppedEarly = resumeFrom.StoppedEarly;
            recall = resumeFrom.TestRecallPerClass;
            firstEpoch = resumeFrom.Epoch + 1;
        }
        foreach (var o in observers) o.RunStarted(run);
        if (resumeFrom != null)
            foreach (var o in observers) o.RunResumed(run, history);

        for (int epoch = firstEpoch; epoch <= config.Epochs && divergence == null && !stoppedEarly; epoch++)
        {
            var epochWatch = Stopwatch.StartNew();
            var learningRate = optimizer.ParamGroups.First().LearningRate;
            using var permutation = EpochOrder.Permutation(run.Seed, epoch, n);
            var orderHash = EpochOrder.Hash(permutation);
            using var order = permutation.to(device);
            gather.BeginEpoch(order);
            // A final batch of one sample would break batch normalization (and says little): it is dropped.
            int batches = (int)((n + batchSize - 1) / batchSize);
            if (batches > 1 && n % batchSize == 1) batches--;
            int normStride = GradientNormStride(batches);

            model.train();
            double lossSum = 0, gradientNormSum = 0;
            int gradientNormCount = 0;
            long seen = 0;
            accuracy?.Start(order);
            // Where the epoch's time goes, in Stopwatch ticks (reading the clock costs nanoseconds): the work every training
            // loop does (forward + loss, backward, optimizer step, releasing the step's tensors) and the batch slicing every
            // loop does too; what else the epoch spends is the harness's own bookkeeping (loss read-back, accuracy,
            // gradient norms, observers).
            long computeTicks = 0, dataTicks = 0;
            for (int b = 0; b < batches; b++)
            {
                using var scope = NewDisposeScope();
                long sliceStart = Stopwatch.GetTimestamp();
                long start = (long)b * batchSize, len = Math.Min(batchSize, n - start);
                var (x, y) = gather.Take(start, len);
                long forwardStart = Stopwatch.GetTimestamp();
                dataTicks += forwardStart - sliceStart;
                optimizer.zero_grad();
                var raw = model.call(x);
                var loss = binding.Loss(raw, y);
                computeTicks += Stopwatch.GetTimestamp() - forwardStart;
                var lossValue = HostValue.ReadAsDouble(loss);
                if (!double.IsFinite(lossValue))
                {
                    divergence = $"loss became {lossValue} at epoch {epoch}, batch {b + 1}";
                    break;
                }
                // Counted now, while the outputs the forward just wrote are still in cache: after backward and the
                // optimizer step the same count took 1.5x as long (MLP, 2 threads: 3.6 against 2.4 ms per epoch).
                accuracy?.Add(raw, start, len);
                long backwardStart = Stopwatch.GetTimestamp();
                loss.backward();
                if (config.GradientClipNorm > 0)
                {
                    // Clipping changes the update, so it is training work, not bookkeeping.
                    gradientNormSum += nn.utils.clip_grad_norm_(parameters, config.GradientClipNorm);
                    gradientNormCount++;
                }
                computeTicks += Stopwatch.GetTimestamp() - backwardStart;
                if (config.GradientClipNorm <= 0 && b % normStride == 0)
                {
                    gradientNormSum += GradientNorm(parameters);
                    gradientNormCount++;
                }
                long stepStart = Stopwatch.GetTimestamp();
                if (fusedStep is null) optimizer.step();
                else fusedStep.Step();
                computeTicks += Stopwatch.GetTimestamp() - stepStart;
                lossSum += lossValue * len;
                seen += len;
                // An indexed loop: foreach over the interface would allocate an enumerator on every step.
                for (int o = 0; o < observers.Count; o++) observers[o].BatchCompleted(run, epoch, b + 1, batches);
                // Releasing the step's tensors (the loss's saved tensors, the optimizer's temporaries) is work every
                // training loop does (PyTorch's when the step's last references go), not bookkeeping: it is timed as compute.
                long releaseStart = Stopwatch.GetTimestamp();
                scope.Dispose();
                computeTicks += Stopwatch.GetTimestamp() - releaseStart;
            }
            if (divergence != null) break;
            contiguous?.EnsureIntact();
            long? correct = accuracy?.Correct();
            var trainSeconds = epochWatch.Elapsed.TotalSeconds;
            schedule?.step();

            long evaluationStart = Stopwatch.GetTimestamp();
            var validation = Evaluator.Evaluate(model, binding, data.ValidationFeatures, data.ValidationTargets, data.Data.TargetMean, data.Data.TargetStd);
            var test = Evaluator.Evaluate(model, binding, data.TestFeatures, data.TestTargets, data.Data.TargetMean, data.Data.TargetStd)
                       ?? throw new InvalidOperationException("The test split is empty.");
            var evaluationSeconds = Stopwatch.GetElapsedTime(evaluationStart).TotalSeconds;
            var metrics = new EpochMetrics
            {
                Epoch = epoch,
                TrainLoss = lossSum / Math.Max(seen, 1),
                TrainAccuracy = correct is { } c ? (double)c / Math.Max(seen, 1) : null,
                ValidationAccuracy = validation?.Confusion?.Accuracy,
                TestAccuracy = test.Confusion?.Accuracy,
                TestBalancedAccuracy = test.Confusion?.BalancedAccuracy,
                TestMacroF1 = test.Confusion?.MacroF1,
                ValidationRmse = validation?.Regression?.Rmse,
                TestRmse = test.Regression?.Rmse,
                TestMae = test.Regression?.Mae,
                TestR2 = test.Regression?.R2,
                ValidationYardstick = validation?.Yardstick,
                TestYardstick = test.Yardstick,
                TestBrier = test.Calibration?.Brier,
                TestEce = test.Calibration?.Ece,
                TestAdaptiveEce = test.Calibration?.AdaptiveEce,
                TestClasswiseEce = test.Calibration?.ClasswiseEce,
                LearningRate = learningRate,
                MeanGradientNorm = gradientNormSum / Math.Max(gradientNormCount, 1),
                EpochSeconds = epochWatch.Elapsed.TotalSeconds,
                SamplesPerSecond = seen / Math.Max(trainSeconds, 1e-9),
                ComputeSeconds = computeTicks / (double)Stopwatch.Frequency,
                DataSeconds = dataTicks / (double)Stopwatch.Frequency,
                EvaluationSeconds = evaluationSeconds,
                BatchOrderHash = orderHash,
            };
            recall = test.Confusion?.Recall();
            history.Add(metrics);
            foreach (var o in observers) o.EpochCompleted(run, metrics);
            stoppedEarly = stopping.ShouldStop(metrics);
            checkpoints?.Save(run, Capture(run, model, optimizer, stopping, history, stoppedEarly, recall, secondsBefore + runWatch.Elapsed.TotalSeconds));
        }

        var result = new RunResult(run, history,
            ConvergenceMetrics.From(history, classification, convergenceTarget, divergence != null, stoppedEarly,
                config.EarlyStopping.Metric.Trim().Equals("loss", StringComparison.OrdinalIgnoreCase)),
            secondsBefore + runWatch.Elapsed.TotalSeconds, divergence, recall)
        {
            Calibration = classification && divergence == null && history.Count > 0 ? Calibrate(model, binding, data) : null,
        };
        foreach (var o in observers) o.RunCompleted(result);
        // Only now that the summary is written: a kill before this line leaves a checkpoint to finish from.
        checkpoints?.Delete(run);
        return result;
    }

    /// <summary>The final model's test calibration, and with temperature scaling the temperature fitted on validation and the test calibration after it.</summary>
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

    TrainingCheckpoint Capture(RunInfo run, nn.Module model, optim.Optimizer optimizer, EarlyStopping stopping, List<EpochMetrics> history,
        bool stoppedEarly, IReadOnlyList<double>? recall, double seconds)
    {
        var state = stopping.Save();
        using var generator = Generator.Default;
        using var rng = generator.get_state();
        var modelStream = captureBuffers.Rent(ModelStateBytes.SizeHint(model));
        var optimizerStream = captureBuffers.Rent(ModelStateBytes.SizeHint(model, tensorsPerParameter: 3));
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
                captureBuffers.Return(modelStream);
                captureBuffers.Return(optimizerStream);
            },
        };
    }

    /// <summary>
    /// Puts the run back where the checkpoint left it. The schedule is stepped once per completed epoch on the fresh
    /// optimizer (TorchSharp's schedulers expose no state; their recursive formulas then give the same learning
    /// rates bit for bit), and the optimizer's own state, learning rates included, is loaded over that.
    /// </summary>
    void Restore(TrainingCheckpoint c, RunInfo run, nn.Module model, optim.Optimizer optimizer, optim.lr_scheduler.LRScheduler? schedule, EarlyStopping stopping)
    {
        if (c.RunId != run.Id || c.InitialWeightsHash != run.InitialWeightsHash || c.Seed != run.Seed)
            throw new InvalidDataException($"the checkpoint belongs to run '{c.RunId}' (seed {c.Seed}, initial weights {c.InitialWeightsHash[..Math.Min(12, c.InitialWeightsHash.Length)]}), not to this run");
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
        using var generator = Generator.Default;
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

    /// <summary>
    /// The global L2 norm of the gradients, read without clipping: libtorch's clip_grad_norm_ also rescales every
    /// gradient (a second pass over them) even when the factor is 1, which costs a few percent of a small model's step.
    /// </summary>
    static double GradientNorm(IReadOnlyList<TorchSharp.Modules.Parameter> parameters)
    {
        using var scope = NewDisposeScope();
        var norms = new List<Tensor>(parameters.Count);
        // Each read of Parameter.grad makes a new native handle and wrapper: read it once.
        foreach (var p in parameters)
            if (p.grad is { } g) norms.Add(g.norm());
        if (norms.Count == 0) return 0;
        var total = norms.Count == 1 ? norms[0] : stack(norms).norm();
        return HostValue.ReadAsDouble(total);
    }
}

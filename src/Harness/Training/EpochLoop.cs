using System.Runtime.CompilerServices;
using CustomLosses;
using Harness.Config;
using Harness.Metrics;
using static TorchSharp.torch;

namespace Harness.Training;

/// <summary>What an epoch's training steps add up to, before evaluation.</summary>
internal readonly record struct EpochTraining(int Epoch, double LearningRate, string OrderHash, double LossSum, long Seen,
    long? Correct, double GradientNormSum, int GradientNormCount, double TrainSeconds);

/// <summary>
/// One run's epochs: the training steps of an epoch (<see cref="TrainEpoch"/>, <see cref="TrainStep"/>) and its
/// evaluation (<see cref="Evaluate"/>), over the run's seams. <see cref="Trainer.Train"/> drives it.
/// </summary>
/// <remarks>
/// The step and epoch methods are compiled fully optimized at their first call (<c>AggressiveOptimization</c>). Why: a
/// run enters the epoch loop once, so tiered compilation never promotes it; the loop ran as quick tier-0 code until the
/// runtime replaced it on the stack, which cost one step 27-47 ms (and another epoch 0.1 ms more bookkeeping on every
/// step). Measured in the throughput benchmark (MLP, 2 threads): an epoch's bookkeeping 53-55 ms instead of 5-8 ms in a
/// quarter of the runs; with loops compiled optimized from the start (<c>DOTNET_TC_QuickJitForLoops=0</c>) it stayed at
/// 4.9-8.0 ms in all of them.
/// </remarks>
internal sealed class EpochLoop(TrainingConfig config, Device device, RunInfo run, nn.Module<Tensor, Tensor> model, LossBinding binding, DeviceData data,
    IParameterStepper stepper, IBatchSource batches, TrainingAccuracy? accuracy, IStepClock clock, IReadOnlyList<ITrainingObserver> observers)
{
    readonly long samples = data.TrainFeatures.shape[0];
    double lossSum, gradientNormSum;
    int gradientNormCount;
    long seen;

    /// <summary>The run's clock.</summary>
    public IStepClock Clock => clock;

    /// <summary>Trains one epoch; null, with <paramref name="divergence"/> saying why, when the loss stopped being finite.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public EpochTraining? TrainEpoch(int epoch, out string? divergence)
    {
        clock.StartEpoch();
        var learningRate = stepper.Optimizer.ParamGroups.First().LearningRate;
        using var permutation = EpochOrder.Permutation(run.Seed, epoch, samples);
        var orderHash = EpochOrder.Hash(permutation);
        using var order = permutation.to(device);
        batches.BeginEpoch(order);
        int batchSize = config.BatchSize;
        // A final batch of one sample would break batch normalization (and says little): it is dropped.
        int count = (int)((samples + batchSize - 1) / batchSize);
        if (count > 1 && samples % batchSize == 1) count--;
        int normStride = Trainer.GradientNormStride(count);

        model.train();
        (lossSum, gradientNormSum, gradientNormCount, seen) = (0, 0, 0, 0);
        accuracy?.Start(order);
        for (int b = 0; b < count; b++)
            if ((divergence = TrainStep(epoch, b, count, normStride)) != null) return null;
        divergence = null;
        stepper.EndEpoch();
        long? correct = accuracy?.Correct();
        return new EpochTraining(epoch, learningRate, orderHash, lossSum, seen, correct, gradientNormSum, gradientNormCount, clock.EpochSeconds);
    }

    /// <summary>
    /// One step in its own dispose scope: batch <paramref name="b"/> of <paramref name="count"/>, forward, loss, backward,
    /// optimizer step. Returns why training diverged, or null. Times the work every training loop does as compute
    /// (forward + loss, backward, optimizer step, releasing the step's tensors) and the batch as data; what else the
    /// epoch spends is the harness's own bookkeeping (loss read-back, accuracy, gradient norms, observers).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    string? TrainStep(int epoch, int b, int count, int normStride)
    {
        using var scope = NewDisposeScope();
        clock.Mark();
        long start = (long)b * config.BatchSize, len = Math.Min(config.BatchSize, samples - start);
        var (x, y) = batches.Take(start, len);
        clock.Lap(StepPhase.Data);
        stepper.ZeroGrad();
        var raw = model.call(x);
        var loss = binding.Loss(raw, y);
        clock.Lap(StepPhase.Compute);
        var lossValue = HostValue.ReadAsDouble(loss);
        if (!double.IsFinite(lossValue)) return $"loss became {lossValue} at epoch {epoch}, batch {b + 1}";
        // Counted now, while the outputs the forward just wrote are still in cache: after backward and the
        // optimizer step the same count took 1.5x as long (MLP, 2 threads: 3.6 against 2.4 ms per epoch).
        accuracy?.Add(raw, start, len);
        clock.Mark();
        loss.backward();
        if (config.GradientClipNorm > 0)
        {
            // Clipping changes the update, so it is training work, not bookkeeping.
            gradientNormSum += nn.utils.clip_grad_norm_(stepper.Parameters, config.GradientClipNorm);
            gradientNormCount++;
        }
        clock.Lap(StepPhase.Compute);
        if (config.GradientClipNorm <= 0 && b % normStride == 0)
        {
            gradientNormSum += GradientNorm(stepper.Parameters);
            gradientNormCount++;
        }
        clock.Mark();
        stepper.Step();
        clock.Lap(StepPhase.Compute);
        lossSum += lossValue * len;
        seen += len;
        // An indexed loop: foreach over the interface would allocate an enumerator on every step.
        for (int o = 0; o < observers.Count; o++) observers[o].BatchCompleted(run, epoch, b + 1, count);
        // Releasing the step's tensors (the loss's saved tensors, the optimizer's temporaries) is work every
        // training loop does (PyTorch's when the step's last references go), not bookkeeping: it is timed as compute.
        clock.Mark();
        scope.Dispose();
        clock.Lap(StepPhase.Compute);
        return null;
    }

    /// <summary>Evaluates the validation and test splits after an epoch's training; the epoch's metrics, and the test recall per class.</summary>
    public EpochMetrics Evaluate(EpochTraining t, out IReadOnlyList<double>? recall)
    {
        clock.Mark();
        // Calibration is reported on the test split only (EpochMetrics has no validation calibration).
        var validation = Evaluator.Evaluate(model, binding, data.ValidationFeatures, data.ValidationTargets, data.Data.TargetMean, data.Data.TargetStd,
            calibration: false);
        var test = Evaluator.Evaluate(model, binding, data.TestFeatures, data.TestTargets, data.Data.TargetMean, data.Data.TargetStd)
                   ?? throw new InvalidOperationException("The test split is empty.");
        clock.Lap(StepPhase.Evaluation);
        recall = test.Confusion?.Recall();
        return new EpochMetrics
        {
            Epoch = t.Epoch,
            TrainLoss = t.LossSum / Math.Max(t.Seen, 1),
            TrainAccuracy = t.Correct is { } c ? (double)c / Math.Max(t.Seen, 1) : null,
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
            LearningRate = t.LearningRate,
            MeanGradientNorm = t.GradientNormSum / Math.Max(t.GradientNormCount, 1),
            EpochSeconds = clock.EpochSeconds,
            SamplesPerSecond = t.Seen / Math.Max(t.TrainSeconds, 1e-9),
            ComputeSeconds = clock.Seconds(StepPhase.Compute),
            DataSeconds = clock.Seconds(StepPhase.Data),
            EvaluationSeconds = clock.Seconds(StepPhase.Evaluation),
            BatchOrderHash = t.OrderHash,
        };
    }

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

using System.Diagnostics;
using Harness.Config;
using Harness.Data;
using Harness.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Training;

/// <summary>A dataset's splits on the training device, with the regression target scale.</summary>
public sealed class DeviceData : IDisposable
{
    /// <summary>Copies every split to <paramref name="device"/> once.</summary>
    /// <remarks>
    /// Always a copy, even on the CPU: the loader may wrap pinned managed arrays, whose alignment differs from
    /// process to process, and MKL's kernels round differently on differently aligned inputs. libtorch's own
    /// allocations are 64-byte aligned, which keeps CPU runs bit-reproducible across processes.
    /// </remarks>
    public DeviceData(PreparedData data, Device device)
    {
        Data = data;
        static Tensor Copy(Tensor t, Device d) => t.to(d, copy: true).contiguous().DetachFromDisposeScope();
        TrainFeatures = Copy(data.Train.Features, device);
        TrainTargets = Copy(data.Train.Targets, device);
        ValidationFeatures = Copy(data.Validation.Features, device);
        ValidationTargets = Copy(data.Validation.Targets, device);
        TestFeatures = Copy(data.Test.Features, device);
        TestTargets = Copy(data.Test.Targets, device);
    }

    /// <summary>The data on the CPU (names, sizes, target scale).</summary>
    public PreparedData Data { get; }
    /// <summary>Training features.</summary>
    public Tensor TrainFeatures { get; }
    /// <summary>Training targets (class indices or standardized values).</summary>
    public Tensor TrainTargets { get; }
    /// <summary>Validation features.</summary>
    public Tensor ValidationFeatures { get; }
    /// <summary>Validation targets.</summary>
    public Tensor ValidationTargets { get; }
    /// <summary>Test features.</summary>
    public Tensor TestFeatures { get; }
    /// <summary>Test targets.</summary>
    public Tensor TestTargets { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var t in new[] { TrainFeatures, TrainTargets, ValidationFeatures, ValidationTargets, TestFeatures, TestTargets }) t.Dispose();
    }
}

/// <summary>
/// The training loop for one run: seeded epoch orders, index-selected mini-batches, a dispose scope per step,
/// evaluation per epoch, early stopping and divergence detection. It reports through <see cref="ITrainingObserver"/>s
/// and writes nothing itself.
/// </summary>
/// <remarks>
/// Dropout draws from libtorch's process-wide generator, which each run reseeds: run one trainer per process at a
/// time (the runner does), or concurrent runs will disturb each other's dropout masks.
/// </remarks>
public sealed class Trainer(TrainingConfig config, Device device, double? convergenceTarget)
{
    /// <summary>Trains <paramref name="model"/> (already on the device, with the run's initial weights) and returns the run's result.</summary>
    public RunResult Train(RunInfo run, nn.Module<Tensor, Tensor> model, LossBinding binding, DeviceData data, IReadOnlyList<ITrainingObserver> observers)
    {
        var classification = binding.Task == TaskKind.Classification;
        var parameters = model.parameters().ToList();
        using var optimizer = OptimizerFactory.Create(config.Optimizer, parameters);
        var schedule = OptimizerFactory.CreateSchedule(config.Schedule, optimizer, config.Epochs);
        var stopping = new EarlyStopping(config.EarlyStopping, classification);
        binding.Module.to(device);

        // Dropout draws from the global generator: seeding it per run gives every loss of a seed the same masks.
        manual_seed(run.Seed);
        if (device.type == DeviceType.CUDA) cuda.manual_seed_all(run.Seed);

        var dtype = data.TrainFeatures.dtype;
        using var encodedTargets = binding.Encoding.Encode(data.TrainTargets, binding.ClassCount, dtype).DetachFromDisposeScope();
        long n = data.TrainFeatures.shape[0];
        int batchSize = config.BatchSize;
        var history = new List<EpochMetrics>();
        var runWatch = Stopwatch.StartNew();
        string? divergence = null;
        bool stoppedEarly = false;
        IReadOnlyList<double>? recall = null;
        foreach (var o in observers) o.RunStarted(run);

        for (int epoch = 1; epoch <= config.Epochs && divergence == null && !stoppedEarly; epoch++)
        {
            var epochWatch = Stopwatch.StartNew();
            var learningRate = optimizer.ParamGroups.First().LearningRate;
            using var permutation = EpochOrder.Permutation(run.Seed, epoch, n);
            var orderHash = EpochOrder.Hash(permutation);
            using var order = permutation.to(device);
            // A final batch of one sample would break batch normalization (and says little): it is dropped.
            int batches = (int)((n + batchSize - 1) / batchSize);
            if (batches > 1 && n % batchSize == 1) batches--;

            model.train();
            double lossSum = 0, gradientNormSum = 0;
            int gradientNormCount = 0;
            long seen = 0, correct = 0;
            for (int b = 0; b < batches; b++)
            {
                using var scope = NewDisposeScope();
                long start = (long)b * batchSize, len = Math.Min(batchSize, n - start);
                var index = order.narrow(0, start, len);
                var x = data.TrainFeatures.index_select(0, index);
                var y = encodedTargets.index_select(0, index);
                optimizer.zero_grad();
                var raw = model.call(x);
                var loss = binding.Loss(raw, y);
                var lossValue = loss.dtype == ScalarType.Float32 ? loss.item<float>() : loss.to(ScalarType.Float64).item<double>();
                if (!double.IsFinite(lossValue))
                {
                    divergence = $"loss became {lossValue} at epoch {epoch}, batch {b + 1}";
                    break;
                }
                loss.backward();
                if (config.GradientClipNorm > 0)
                {
                    gradientNormSum += nn.utils.clip_grad_norm_(parameters, config.GradientClipNorm);
                    gradientNormCount++;
                }
                else if (b % GradientNormStride == 0)
                {
                    gradientNormSum += GradientNorm(parameters);
                    gradientNormCount++;
                }
                optimizer.step();
                lossSum += lossValue * len;
                seen += len;
                if (classification)
                {
                    var labels = binding.Encoding == TargetEncodingKind.Index ? y : data.TrainTargets.index_select(0, index);
                    correct += binding.PredictClasses(raw).eq(labels).sum().item<long>();
                }
                foreach (var o in observers) o.BatchCompleted(run, epoch, b + 1, batches);
            }
            if (divergence != null) break;
            var trainSeconds = epochWatch.Elapsed.TotalSeconds;
            schedule?.step();

            var validation = Evaluator.Evaluate(model, binding, data.ValidationFeatures, data.ValidationTargets, data.Data.TargetMean, data.Data.TargetStd);
            var test = Evaluator.Evaluate(model, binding, data.TestFeatures, data.TestTargets, data.Data.TargetMean, data.Data.TargetStd)
                       ?? throw new InvalidOperationException("The test split is empty.");
            var metrics = new EpochMetrics
            {
                Epoch = epoch,
                TrainLoss = lossSum / Math.Max(seen, 1),
                TrainAccuracy = classification ? (double)correct / Math.Max(seen, 1) : null,
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
                LearningRate = learningRate,
                MeanGradientNorm = gradientNormSum / Math.Max(gradientNormCount, 1),
                EpochSeconds = epochWatch.Elapsed.TotalSeconds,
                SamplesPerSecond = seen / Math.Max(trainSeconds, 1e-9),
                BatchOrderHash = orderHash,
            };
            recall = test.Confusion?.Recall();
            history.Add(metrics);
            foreach (var o in observers) o.EpochCompleted(run, metrics);
            stoppedEarly = stopping.ShouldStop(metrics);
        }

        var result = new RunResult(run, history,
            ConvergenceMetrics.From(history, classification, convergenceTarget, divergence != null, stoppedEarly),
            runWatch.Elapsed.TotalSeconds, divergence, recall);
        foreach (var o in observers) o.RunCompleted(result);
        return result;
    }

    /// <summary>
    /// Without clipping, the gradient norm is read on every 8th step (from the first): reading it costs about ten
    /// small kernel launches, several percent of a small model's step, and the epoch mean of a sample is what the
    /// log needs. With clipping it is computed on every step anyway and every step counts.
    /// </summary>
    public const int GradientNormStride = 8;

    /// <summary>
    /// The global L2 norm of the gradients, read without clipping: libtorch's clip_grad_norm_ also rescales every
    /// gradient (a second pass over them) even when the factor is 1, which costs a few percent of a small model's step.
    /// </summary>
    static double GradientNorm(IReadOnlyList<TorchSharp.Modules.Parameter> parameters)
    {
        using var scope = NewDisposeScope();
        var norms = parameters.Where(p => p.grad is not null).Select(p => p.grad!.norm()).ToArray();
        return norms.Length == 0 ? 0 : stack(norms).norm().to(ScalarType.Float64).item<double>();
    }
}

using Harness.Acceleration;
using Harness.Config;
using Harness.Data;
using Harness.Experiments;
using Harness.Models;
using Harness.Training;
using Xunit;
using static TorchSharp.torch;

namespace Harness.Tests.Training;

/// <summary>What the fast-path tests compare with: index_select's batches, and training through the plain seams.</summary>
internal static class GatherComparison
{
    /// <summary>Every batch of one epoch in <paramref name="order"/> from <paramref name="gather"/> has index_select's shapes, dtypes and bytes.</summary>
    public static void AssertSameBatchesAsIndexSelect(BatchGather gather, Tensor features, Tensor targets, Tensor order, int batchSize)
    {
        long n = features.size(0);
        using var select = new IndexSelectBatches(features, targets);
        gather.BeginEpoch(order);
        select.BeginEpoch(order);
        for (long start = 0; start < n; start += batchSize)
        {
            using var scope = NewDisposeScope();
            long count = Math.Min(batchSize, n - start);
            var (x, y) = gather.Take(start, count);
            var (ex, ey) = select.Take(start, count);
            Assert.Equal(ex.shape, x.shape);
            Assert.Equal(ey.shape, y.shape);
            Assert.Equal(ex.dtype, x.dtype);
            Assert.Equal(ey.dtype, y.dtype);
            Assert.True(ex.bytes.SequenceEqual(x.bytes), $"features of batch at {start} (size {batchSize}) differ");
            Assert.True(ey.bytes.SequenceEqual(y.bytes), $"targets of batch at {start} (size {batchSize}) differ");
        }
    }

    /// <summary>
    /// Trains a cross-entropy run on <paramref name="data"/> (CPU, seed 1) through the runner's accelerated paths,
    /// with the plain batch source (<see cref="IndexSelectBatches"/>) in place of the accelerated one when
    /// <paramref name="plainBatches"/>, and the plain stepper (<see cref="OptimizerStepper"/>) when
    /// <paramref name="plainStepper"/>; returns the final weights' hash and every epoch's training loss, to compare bit for bit.
    /// </summary>
    public static string Train(PreparedData data, TrainingConfig training, ModelConfig model, bool plainBatches, bool plainStepper = false) =>
        Train(data, training, model, new MixedPaths(plainBatches, plainStepper));

    /// <summary>As above, through <paramref name="paths"/>.</summary>
    public static string Train(PreparedData data, TrainingConfig training, ModelConfig model, ITrainingPaths paths)
    {
        var binding = LossBinding.Create(new LossEntryConfig { Loss = "cross-entropy" }, data.Task, data.ClassCount);
        using var net = ModelFactory.Build(model, data.FeatureShape, binding.Outputs, seed: 1);
        using var deviceData = new DeviceData(data, CPU, paths);
        var run = new RunInfo("gather", "CE", "cross-entropy", 0, 1, 1, training.Epochs, WeightSnapshot.Hash(net));
        var result = new Trainer(training, CPU, null, paths: paths).Train(run, net, binding, deviceData, []);
        Assert.Equal(training.Epochs, result.History.Count);
        binding.Module.Dispose();
        return WeightSnapshot.Hash(net) + " " + string.Join(",", result.History.Select(h => h.TrainLoss.ToString("R")));
    }

    /// <summary>The accelerated paths with the plain batch source and/or the plain stepper passed through the seams instead.</summary>
    sealed class MixedPaths(bool plainBatches, bool plainStepper) : PlainTrainingPaths
    {
        static readonly TrainingAccelerators Fast = TrainingAccelerators.Instance;
        public override Tensor CopyTrainingRows(Tensor source) => Fast.CopyTrainingRows(source);
        public override IBatchSource Batches(DeviceData data, Tensor targets, int batchSize) =>
            plainBatches ? base.Batches(data, targets, batchSize) : Fast.Batches(data, targets, batchSize);
        public override IParameterStepper Stepper(nn.Module model, OptimizerConfig optimizer) =>
            plainStepper ? base.Stepper(model, optimizer) : Fast.Stepper(model, optimizer);
        public override TrainingAccuracy Accuracy(LossBinding binding, Tensor labels, ScalarType outputType) => Fast.Accuracy(binding, labels, outputType);
        public override ICheckpointMemory CheckpointMemory() => Fast.CheckpointMemory();
    }
}

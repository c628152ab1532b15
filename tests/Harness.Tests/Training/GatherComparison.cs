using Harness.Config;
using Harness.Data;
using Harness.Models;
using Harness.Training;
using Xunit;
using static TorchSharp.torch;

namespace Harness.Tests.Training;

/// <summary>What the gather tests compare a gather with: index_select's batches, and training on index_select batches.</summary>
internal static class GatherComparison
{
    /// <summary>Every batch of one epoch in <paramref name="order"/> from <paramref name="gather"/> has index_select's shapes, dtypes and bytes.</summary>
    public static void AssertSameBatchesAsIndexSelect(BatchGather gather, Tensor features, Tensor targets, Tensor order, int batchSize)
    {
        long n = features.size(0);
        using var select = new IndexSelectGather(features, targets);
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
    /// Trains a cross-entropy run on <paramref name="data"/> (CPU, seed 1) through the trainer's own gather or forced
    /// index_select batches, and its own optimizer step or forced TorchSharp <c>optimizer.step()</c>; returns the final
    /// weights' hash and every epoch's training loss, to compare bit for bit.
    /// </summary>
    public static string Train(PreparedData data, TrainingConfig training, ModelConfig model, bool forceIndexSelect, bool forceOptimizerStep = false)
    {
        var binding = LossBinding.Create(new LossEntryConfig { Loss = "cross-entropy" }, data.Task, data.ClassCount);
        using var net = ModelFactory.Build(model, data.FeatureShape, binding.Outputs, seed: 1);
        using var deviceData = new DeviceData(data, CPU);
        var run = new RunInfo("gather", "CE", "cross-entropy", 0, 1, 1, training.Epochs, WeightSnapshot.Hash(net));
        var result = new Trainer(training, CPU, null) { ForceIndexSelect = forceIndexSelect, ForceOptimizerStep = forceOptimizerStep }.Train(run, net, binding, deviceData, []);
        Assert.Equal(training.Epochs, result.History.Count);
        binding.Module.Dispose();
        return WeightSnapshot.Hash(net) + " " + string.Join(",", result.History.Select(h => h.TrainLoss.ToString("R")));
    }
}

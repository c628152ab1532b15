using Harness.Acceleration;
using Harness.Config;
using Harness.Data;
using Harness.Tests.Experiments;
using Harness.Tests.Training;
using Xunit;
using static TorchSharp.torch;

namespace Harness.Tests.Acceleration;

/// <summary>
/// The CPU row copy gives exactly index_select's batches (every dtype and row shape the trainer feeds it, the short
/// last batch, batch sizes over the split), refuses bad positions and orders with one clear error, and trains the same
/// bits as index_select batches; the adaptive gather that picks between them keeps those bytes.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public class BatchGatherTests
{
    public static TheoryData<ScalarType, long[], ScalarType, long[]> Layouts => new()
    {
        { ScalarType.Float32, [1, 5, 7], ScalarType.Int64, [] },   // images and class indices
        { ScalarType.Float64, [13], ScalarType.Float64, [4] },      // tabular features and one-hot / soft targets
        { ScalarType.Float32, [3], ScalarType.Float32, [1] },       // regression with a [n, 1] target
        { ScalarType.Float32, [64], ScalarType.Int32, [] },         // one cache line per row, 4-byte targets
    };

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Row_copy_batches_equal_index_select_batches(ScalarType featureType, long[] featureRow, ScalarType targetType, long[] targetRow)
    {
        const long n = 103;
        var generator = new Generator(5);
        using var features = randn([n, .. featureRow], generator: generator).to(featureType);
        using var targets = (targetType is ScalarType.Int64 or ScalarType.Int32
            ? randint(0, 10, [n, .. targetRow], generator: generator) : randn([n, .. targetRow], generator: generator)).to(targetType);
        using var order = randperm(n, generator: generator, dtype: ScalarType.Int64);
        foreach (var batchSize in new[] { 1, 16, 128 })
        {
            using var copy = new RowCopyGather(features, targets, batchSize);
            GatherComparison.AssertSameBatchesAsIndexSelect(copy, features, targets, order, batchSize);
        }
    }

    [Fact]
    public void Gather_adapts_between_row_copy_and_index_select_for_contiguous_CPU_data_on_x86()
    {
        using var features = randn(30, 8);
        using var targets = zeros(30, dtype: ScalarType.Int64);
        using var gather = BatchGather.TryCreate(features, targets, 4);
        if (System.Runtime.Intrinsics.X86.Sse.IsSupported) Assert.IsType<AdaptiveGather>(gather);
        else Assert.Null(gather);   // the trainer keeps the plain index_select batches
    }

    [Fact]
    public void The_adaptive_gather_probes_both_then_keeps_one_and_probes_again_with_the_same_bytes()
    {
        const long n = 1000;
        var generator = new Generator(3);
        using var features = randn([n, 20], generator: generator);
        using var targets = randint(0, 10, [n], generator: generator);
        using var order = randperm(n, generator: generator, dtype: ScalarType.Int64);
        using var adaptive = new AdaptiveGather(new RowCopyGather(features, targets, 2), new IndexSelectGather(features, targets));
        using var reference = new IndexSelectGather(features, targets);
        adaptive.BeginEpoch(order);
        reference.BeginEpoch(order);
        const int probe = 2 * AdaptiveGather.ProbeBatchesEach, cycle = probe + AdaptiveGather.BatchesBetweenProbes;
        long start = 0;
        void Take(int batches)
        {
            for (int b = 0; b < batches; b++, start = (start + 2) % n)
            {
                using var scope = NewDisposeScope();
                var (x, y) = adaptive.Take(start, 2);
                var (ex, ey) = reference.Take(start, 2);
                Assert.True(ex.bytes.SequenceEqual(x.bytes) && ey.bytes.SequenceEqual(y.bytes), $"batch at {start} differs");
            }
        }
        Take(probe);
        Assert.Equal(AdaptiveGather.ProbeBatchesEach, adaptive.RowCopyBatches);
        Assert.Equal(AdaptiveGather.ProbeBatchesEach, adaptive.IndexSelectBatches);
        Take(AdaptiveGather.BatchesBetweenProbes);
        // Between probes one gather took every batch.
        Assert.Equal(cycle, adaptive.RowCopyBatches + adaptive.IndexSelectBatches);
        Assert.Equal(AdaptiveGather.ProbeBatchesEach, Math.Min(adaptive.RowCopyBatches, adaptive.IndexSelectBatches));
        Take(probe);
        // The second probe gave each gather its share again.
        Assert.Equal(cycle + probe, adaptive.RowCopyBatches + adaptive.IndexSelectBatches);
        Assert.True(Math.Min(adaptive.RowCopyBatches, adaptive.IndexSelectBatches) >= 2 * AdaptiveGather.ProbeBatchesEach);
    }

    [Fact]
    public void Gather_falls_back_to_index_select_for_non_contiguous_data()
    {
        using var features = randn(8, 30).t();
        using var targets = zeros(30, dtype: ScalarType.Int64);
        using var gather = BatchGather.TryCreate(features, targets, 4);
        Assert.Null(gather);   // the trainer keeps the plain index_select batches
    }

    [Fact]
    public void Row_copy_refuses_bad_positions_and_orders_clearly()
    {
        using var features = randn(10, 3);
        using var targets = zeros(10, dtype: ScalarType.Int64);
        using var gather = new RowCopyGather(features, targets, 4);
        Assert.Throws<ArgumentOutOfRangeException>(() => gather.Take(0, 2));   // no epoch begun
        using var badOrder = tensor(new long[] { 0, 1, 2, 10 });
        gather.BeginEpoch(badOrder);
        var e = Assert.Throws<IndexOutOfRangeException>(() => gather.Take(0, 4));
        Assert.Contains("sample 10", e.Message);
        Assert.Contains("0..9", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => gather.Take(2, 3));   // past the order's end
        Assert.Throws<ArgumentOutOfRangeException>(() => gather.Take(0, 5));   // over the batch size
        using var floatOrder = zeros(4);
        Assert.Throws<ArgumentException>(() => gather.BeginEpoch(floatOrder));
    }

    [Fact]
    public void Training_on_row_copy_batches_is_bit_identical_to_index_select_batches()
    {
        // 1,797 digits images / batch 64 leave a short last batch; batch norm and dropout touch every row.
        using var data = DatasetLoader.Load(new DatasetConfig { Name = "digits", ValidationFraction = 0.1 }, Environment.CurrentDirectory);
        var training = new TrainingConfig { Epochs = 2, BatchSize = 64, Optimizer = new OptimizerConfig { Name = "adam", LearningRate = 1e-2 } };
        var model = new ModelConfig { Kind = "mlp", Hidden = [32], BatchNorm = true, Dropout = 0.2 };
        Assert.Equal(GatherComparison.Train(data, training, model, plainBatches: true), GatherComparison.Train(data, training, model, plainBatches: false));
    }
}

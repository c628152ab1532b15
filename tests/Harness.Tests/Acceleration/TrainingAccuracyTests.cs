using Harness.Acceleration;
using Harness.Config;
using Harness.Data;
using Harness.Experiments;
using Harness.Training;
using Xunit;
using static TorchSharp.torch;

namespace Harness.Tests.Acceleration;

/// <summary>Both ways of counting training accuracy give libtorch's count (argmax or sign, compared with the labels) batch by batch.</summary>
public class TrainingAccuracyTests
{
    public static TheoryData<string, string, int, ScalarType, int> Cases()
    {
        var cases = new TheoryData<string, string, int, ScalarType, int>();
        foreach (var counter in new[] { "host", "device" })
            foreach (var dtype in new[] { ScalarType.Float32, ScalarType.Float64 })
            {
                cases.Add(counter, "cross-entropy", 10, dtype, 7);
                cases.Add(counter, "cross-entropy", 3, dtype, 8);
                cases.Add(counter, "bce-with-logits", 2, dtype, 9);
            }
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Counts_equal_libtorchs_predictions_batch_by_batch(string counter, string loss, int classes, ScalarType dtype, int seed)
    {
        using var scope = NewDisposeScope();
        var binding = LossBinding.Create(new LossEntryConfig { Loss = loss }, TaskKind.Classification, classes);
        var generator = new Generator((ulong)seed);
        const long n = 1000, batch = 24; // 41 full batches and a short one: more than one bulk count, and a remainder
        var labels = randint(0, classes, [n], dtype: ScalarType.Int32, generator: generator);
        var outputs = HardOutputs(n, binding.Outputs, dtype, generator);
        using var accuracy = counter == "host" ? TrainingAccelerators.Instance.Accuracy(binding, labels, dtype) : new DeviceTrainingAccuracy(binding, labels);

        for (int epoch = 0; epoch < 2; epoch++)
        {
            var order = randperm(n, generator: generator);
            accuracy.Start(order);
            long expected = 0;
            for (long start = 0, b = 0; start < n; start += batch, b++)
            {
                long len = Math.Min(batch, n - start);
                var index = order.narrow(0, start, len);
                var raw = outputs.index_select(0, index);
                // Every third batch arrives as a non-contiguous view (same values), as a model's output could.
                if (b % 3 == 2) raw = raw.t().contiguous().t();
                raw.requires_grad_();
                expected += binding.PredictClasses(raw).eq(labels.index_select(0, index)).sum().item<long>();
                accuracy.Add(raw, start, len);
            }
            Assert.Equal(expected, accuracy.Correct());
        }
    }

    [Fact]
    public void The_host_count_takes_the_first_maximum_and_the_first_nan()
    {
        using var scope = NewDisposeScope();
        var binding = LossBinding.Create(new LossEntryConfig { Loss = "cross-entropy" }, TaskKind.Classification, 3);
        float nan = float.NaN;
        var outputs = tensor(new float[,]
        {
            { 1, 1, 0 },        // tie: class 0
            { 0, 2, 2 },        // tie: class 1
            { -0f, 0, -1 },     // -0 == +0: class 0
            { 1, nan, nan },    // first NaN: class 1
            { nan, 5, 1 },      // NaN first: class 0
            { float.NegativeInfinity, float.NegativeInfinity, -1 }, // class 2
        });
        var labels = tensor(new long[] { 0, 1, 0, 1, 0, 2 });
        var accuracy = new HostTrainingAccuracy(binding.Outputs, labels);
        accuracy.Start(arange(6L));
        accuracy.Add(outputs, 0, 6);
        Assert.Equal(6, accuracy.Correct());
        Assert.Equal(6, binding.PredictClasses(outputs).eq(labels).sum().item<long>());
    }

    [Fact]
    public void The_host_count_refuses_positions_outside_the_epoch_and_outputs_of_the_wrong_size()
    {
        using var scope = NewDisposeScope();
        var binding = LossBinding.Create(new LossEntryConfig { Loss = "cross-entropy" }, TaskKind.Classification, 4);
        var accuracy = new HostTrainingAccuracy(binding.Outputs, zeros(10, dtype: ScalarType.Int64));
        accuracy.Start(arange(10L));
        Assert.Throws<ArgumentOutOfRangeException>(() => accuracy.Add(zeros(4, 4), 8, 4));
        Assert.Throws<ArgumentException>(() => accuracy.Add(zeros(4, 3), 0, 4));
        Assert.Throws<ArgumentException>(() => accuracy.Start(arange(9L)));
        Assert.Throws<ArgumentException>(() => accuracy.Start(tensor(new long[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 10 })));
    }

    /// <summary>Small integers (many ties), signed zeros, infinities and NaNs.</summary>
    static Tensor HardOutputs(long n, int units, ScalarType dtype, Generator generator)
    {
        var values = randint(-2, 3, [n, units], generator: generator).to(dtype);
        var u = rand([n, units], generator: generator, dtype: dtype);
        values = where(u.lt(0.03), full_like(values, double.NaN), values);
        values = where(u.gt(0.97), full_like(values, double.NegativeInfinity), values);
        values = where(values.eq(0).logical_and(u.lt(0.5)), full_like(values, -0.0), values);
        return values;
    }
}

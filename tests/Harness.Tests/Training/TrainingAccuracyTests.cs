using Harness.Config;
using Harness.Data;
using Harness.Training;
using Xunit;
using static TorchSharp.torch;

namespace Harness.Tests.Training;

/// <summary>The bulk count of training accuracy equals counting batch by batch.</summary>
public class TrainingAccuracyTests
{
    [Theory]
    [InlineData("cross-entropy", 10, 7)]
    [InlineData("bce-with-logits", 2, 1)]
    public void Counting_in_bulk_equals_counting_every_batch(string loss, int classes, int seed)
    {
        using var scope = NewDisposeScope();
        var binding = LossBinding.Create(new LossEntryConfig { Loss = loss }, TaskKind.Classification, classes);
        var generator = new Generator((ulong)seed);
        const long n = 1000, batch = 24; // 41 full batches and a short one: more than one bulk count, and a remainder
        var labels = randint(0, classes, [n], dtype: ScalarType.Int64, generator: generator);
        var order = randperm(n, generator: generator);
        var outputs = randn([n, binding.Outputs], generator: generator);
        using var accuracy = new TrainingAccuracy(binding, labels);

        for (int epoch = 0; epoch < 2; epoch++)
        {
            accuracy.Start(order);
            long expected = 0;
            for (long start = 0; start < n; start += batch)
            {
                long len = Math.Min(batch, n - start);
                var index = order.narrow(0, start, len);
                var raw = outputs.index_select(0, index).requires_grad_();
                expected += binding.PredictClasses(raw).eq(labels.index_select(0, index)).sum().item<long>();
                accuracy.Add(raw, start, len);
            }
            Assert.Equal(expected, accuracy.Correct());
        }
    }
}

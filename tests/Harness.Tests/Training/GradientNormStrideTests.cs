using Harness.Training;
using Xunit;

namespace Harness.Tests.Training;

/// <summary>Without clipping the gradient norm is sampled every 8th step, and at most 16 times in a long epoch.</summary>
public class GradientNormStrideTests
{
    [Fact]
    public void Short_epochs_read_every_8th_step_and_long_ones_at_most_16_times()
    {
        for (int batches = 1; batches <= 5000; batches++)
        {
            int stride = Trainer.GradientNormStride(batches);
            int reads = (batches + stride - 1) / stride;   // steps 0, stride, 2 * stride, ... below batches
            if (batches <= 8 * Trainer.MaxGradientNormReads) Assert.Equal(8, stride);
            else Assert.InRange(reads, Trainer.MaxGradientNormReads - 1, Trainer.MaxGradientNormReads);
        }
        Assert.Equal(30, Trainer.GradientNormStride(469));   // Fashion-MNIST at batch 128: steps 0, 30, ..., 450
    }
}

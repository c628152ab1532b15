using Harness.Metrics.Calibration;
using Xunit;

// Not Harness.Tests.Metrics: that namespace would hide Harness.Metrics from tests that write Metrics.EpochMetrics.
namespace Harness.Tests.Calibration;

/// <summary>The (i/15, (i+1)/15] edge rule, with 0 in the first bin, checked at the exact edge doubles.</summary>
public class ConfidenceBinsTests
{
    [Fact]
    public void EveryUpperEdgeBelongsToItsOwnBinAndTheNextDoubleToTheNext()
    {
        for (int b = 0; b < ConfidenceBins.Count; b++)
        {
            Assert.Equal(b / 15.0, ConfidenceBins.Lower(b));
            Assert.Equal((b + 1) / 15.0, ConfidenceBins.Upper(b));
            Assert.Equal(b, ConfidenceBins.Of((b + 1) / 15.0));
            if (b > 0) Assert.Equal(b, ConfidenceBins.Of(Math.BitIncrement(b / 15.0)));
        }
    }

    [Fact]
    public void ZeroGoesToTheFirstBinAndOneToTheLast()
    {
        Assert.Equal(0, ConfidenceBins.Of(0));
        Assert.Equal(0, ConfidenceBins.Of(double.Epsilon));
        Assert.Equal(14, ConfidenceBins.Of(1));
        Assert.Equal(7, ConfidenceBins.Of(0.5)); // 7.5 fifteenths
        Assert.Equal(11, ConfidenceBins.Of(0.75)); // 11.25 fifteenths
    }
}

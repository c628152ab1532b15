using Harness.Reporting.Statistics;
using Xunit;

namespace Harness.Tests.Reporting.Statistics;

/// <summary>Cohen's d_z on samples small enough to work out by hand.</summary>
public class PairedEffectSizeTests
{
    [Fact]
    public void Divides_the_mean_difference_by_the_sample_standard_deviation()
    {
        // Mean 2.5; squared deviations 2.25 + 0.25 + 0.25 + 2.25 = 5, variance 5 / 3: d_z = 2.5 / sqrt(5 / 3) = 2.5 sqrt(0.6).
        Assert.Equal(1.9364916731037085, PairedEffectSize.CohensDz([1, 2, 3, 4])!.Value, 12);
        // The sign follows the mean: -1 and -3 have mean -2 and sd sqrt(2).
        Assert.Equal(-Math.Sqrt(2), PairedEffectSize.CohensDz([-1, -3])!.Value, 12);
    }

    [Fact]
    public void Is_null_for_fewer_than_two_differences_or_zero_spread()
    {
        Assert.Null(PairedEffectSize.CohensDz([1.5]));
        Assert.Null(PairedEffectSize.CohensDz([]));
        Assert.Null(PairedEffectSize.CohensDz([2, 2, 2]));
    }
}

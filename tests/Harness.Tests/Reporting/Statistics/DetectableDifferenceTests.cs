using Harness.Reporting.Statistics;
using MathNet.Numerics.Distributions;
using Xunit;

namespace Harness.Tests.Reporting.Statistics;

/// <summary>The minimum detectable difference against the formula evaluated here with MathNet's t quantiles.</summary>
public class DetectableDifferenceTests
{
    [Fact]
    public void Five_seeds_with_sd_0_02_detect_about_0_033()
    {
        var expected = (StudentT.InvCDF(0, 1, 4, 0.975) + StudentT.InvCDF(0, 1, 4, 0.8)) * 0.02 / Math.Sqrt(5);
        var actual = DetectableDifference.Of(0.02, 5, alpha: 0.05, power: 0.8)!.Value;
        Assert.Equal(expected, actual, 12);
        // t(0.975, 4) = 2.7764, t(0.8, 4) = 0.9410 (tables): 3.7174 * 0.02 / 2.2361.
        Assert.Equal(0.03325, actual, 4);
    }

    [Fact]
    public void Is_null_below_two_seeds_or_for_a_non_finite_sd()
    {
        Assert.Null(DetectableDifference.Of(0.02, 1));
        Assert.Null(DetectableDifference.Of(double.NaN, 5));
    }

    [Fact]
    public void A_difference_of_one_sd_needs_ten_seeds()
    {
        // n = 9: (2.306 + 0.889) / 3 = 1.065 > 1; n = 10: (2.262 + 0.883) / 3.162 = 0.995 <= 1.
        Assert.Equal(10, DetectableDifference.SeedsNeeded(1, 1));
        Assert.Equal(10, DetectableDifference.SeedsNeeded(1, -1));
    }

    [Fact]
    public void Seeds_needed_is_the_first_n_that_suffices()
    {
        var n = DetectableDifference.SeedsNeeded(0.02, 0.01)!.Value;
        Assert.True(DetectableDifference.Of(0.02, n)!.Value <= 0.01);
        Assert.True(DetectableDifference.Of(0.02, n - 1)!.Value > 0.01);
        Assert.Equal(2, DetectableDifference.SeedsNeeded(0.001, 1));
    }

    [Fact]
    public void Seeds_needed_is_null_beyond_the_search_limit()
    {
        Assert.Null(DetectableDifference.SeedsNeeded(1, 1e-4));
        Assert.Null(DetectableDifference.SeedsNeeded(1, 1, maxSeeds: 9));
    }
}

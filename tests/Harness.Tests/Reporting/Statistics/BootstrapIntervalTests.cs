using Harness.Reporting.Statistics;
using Xunit;

namespace Harness.Tests.Reporting.Statistics;

/// <summary>
/// The percentile bootstrap against cases that can be reasoned out exactly: a constant sample, two values (resample
/// means 0, 1/2, 1 with probabilities 1/4, 1/2, 1/4), and three values whose 27 equally likely resamples are enumerated
/// here, so that with many resamples the interval must land on the exact quantiles of that discrete distribution.
/// </summary>
public class BootstrapIntervalTests
{
    [Fact]
    public void Percentile_interpolates_linearly_between_order_statistics_like_numpy()
    {
        // numpy.percentile([1, 2, 3, 4], 25) = 1.75: h = 3 * 0.25 = 0.75, 1 + 0.75 * (2 - 1).
        Assert.Equal(1.75, BootstrapInterval.Percentile([1, 2, 3, 4], 0.25), 12);
        // h = 4 * 0.9 = 3.6: 40 + 0.6 * (50 - 40) = 46.
        Assert.Equal(46, BootstrapInterval.Percentile([10, 20, 30, 40, 50], 0.9), 12);
        Assert.Equal(10, BootstrapInterval.Percentile([10, 20, 30, 40, 50], 0), 12);
        Assert.Equal(50, BootstrapInterval.Percentile([10, 20, 30, 40, 50], 1), 12);
    }

    [Fact]
    public void A_constant_sample_gives_a_point_interval()
    {
        Assert.Equal((1.0, 1.0), BootstrapInterval.OfMean([1, 1, 1, 1]));
    }

    [Fact]
    public void Fewer_than_two_finite_values_give_NaN()
    {
        var (lower, upper) = BootstrapInterval.OfMean([3.0, double.NaN, double.PositiveInfinity]);
        Assert.True(double.IsNaN(lower) && double.IsNaN(upper));
    }

    [Fact]
    public void Two_values_give_their_min_and_max_at_95_percent()
    {
        // Resample means 2, 3.5, 5 with probabilities 1/4, 1/2, 1/4: the 2.5% and 97.5% points are 2 and 5.
        var (lower, upper) = BootstrapInterval.OfMean([5, 2], resamples: 20000);
        Assert.Equal(2, lower, 12);
        Assert.Equal(5, upper, 12);
    }

    [Fact]
    public void Three_values_match_brute_force_enumeration_of_all_27_resamples()
    {
        double[] values = [0, 1, 5];
        const double level = 0.8;
        var means = new List<double>();
        foreach (var a in values) foreach (var b in values) foreach (var c in values) means.Add((a + b + c) / 3);
        means.Sort();

        var expectedLower = ExactQuantile(means, 0.1);
        var expectedUpper = ExactQuantile(means, 0.9);
        Assert.Equal(1.0 / 3, expectedLower, 12); // sums: 0 once, 1 three times: CDF 1/27 < 0.1 <= 4/27
        Assert.Equal(11.0 / 3, expectedUpper, 12); // CDF 23/27 < 0.9 <= 26/27

        var (lower, upper) = BootstrapInterval.OfMean(values, level, resamples: 200000, seed: 7);
        Assert.Equal(expectedLower, lower, 9);
        Assert.Equal(expectedUpper, upper, 9);
    }

    [Fact]
    public void The_same_seed_gives_the_same_interval()
    {
        double[] values = [0.51, 0.49, 0.55, 0.47, 0.52];
        Assert.Equal(BootstrapInterval.OfMean(values, seed: 3), BootstrapInterval.OfMean(values, seed: 3));
        var (lower, upper) = BootstrapInterval.OfMean(values);
        Assert.InRange(lower, 0.47, values.Average());
        Assert.InRange(upper, values.Average(), 0.55);
    }

    // The quantile of the discrete distribution putting mass 1/n on each sorted value; the test's probabilities are
    // kept well away from its jumps, where a large resample's percentile could fall on either side.
    static double ExactQuantile(List<double> sorted, double p)
    {
        for (var i = 0; i < sorted.Count; i++)
        {
            var cdf = (i + 1.0) / sorted.Count;
            if (cdf >= p)
            {
                Assert.True(cdf - p > 0.01 && p - (double)i / sorted.Count > 0.01, "p is too close to a jump of the CDF");
                return sorted[i];
            }
        }
        return sorted[^1];
    }
}

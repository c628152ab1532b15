using Harness.Reporting.Statistics;
using MathNet.Numerics.Distributions;
using Xunit;

namespace Harness.Tests.Reporting.Statistics;

/// <summary>The verdict sentences on grids whose outcome is known by construction.</summary>
public class VerdictTests
{
    const string Metric = "test RMSE";

    [Fact]
    public void Names_the_tied_best_group_and_each_distinguishable_loss()
    {
        var result = LossComparison.AgainstBest([SeedGrids.C, SeedGrids.B, SeedGrids.A], higherIsBetter: false);
        var text = Verdict.Write(result, Metric, 3, 0.05);

        var adjustedC = 2 * 2 * StudentT.CDF(0, 1, 4, -1 / (SeedGrids.SdC / Math.Sqrt(5)));
        Assert.StartsWith("A and B are tied best by test RMSE (0.504-0.505). ", text);
        Assert.Contains(
            $"C is worse (1.504; adjusted p = {adjustedC.ToString("0.0E+00", System.Globalization.CultureInfo.InvariantCulture)} against A).", text);
        Assert.Contains("With 5 seeds the smallest difference this grid could detect", text);
        Assert.DoesNotContain("equally good", text);
    }

    [Fact]
    public void A_single_best_is_named_alone()
    {
        var result = LossComparison.AgainstBest([SeedGrids.A, SeedGrids.C], higherIsBetter: false);
        Assert.StartsWith("A is best by test RMSE (0.504). C is worse (1.504; adjusted p = ", Verdict.Write(result, Metric, 3, 0.05));
    }

    [Fact]
    public void A_constant_difference_is_described_rather_than_given_p_0()
    {
        var shifted = new Contender("Shifted", SeedGrids.A.ScoresBySeed.ToDictionary(kv => kv.Key, kv => kv.Value + 0.1));
        var text = Verdict.Write(LossComparison.AgainstBest([SeedGrids.A, shifted], higherIsBetter: false), Metric, 3, 0.05);
        Assert.StartsWith("A is best by test RMSE (0.504). Shifted is worse (0.604; the same difference from A on every paired seed).", text);
    }

    [Fact]
    public void Says_plainly_when_nothing_can_be_told_apart()
    {
        var result = LossComparison.AgainstBest([SeedGrids.B, SeedGrids.A], higherIsBetter: false);
        var text = Verdict.Write(result, Metric, 3, 0.05);
        Assert.StartsWith("No loss can be told apart from the best by test RMSE with these 5 seeds (means 0.504-0.505); " +
            "this is not evidence that they are equally good.", text);
        Assert.Contains("about 0.0", text);
    }

    [Fact]
    public void Formats_p_values_with_three_decimals_above_one_in_a_thousand()
    {
        // Against A, D's differences 0.1, 0.3, 0.2 have mean 0.2 and sd 0.1: t = 2 sqrt 3, p = 1 - t / sqrt(2 + t^2) = 1 - sqrt(6 / 7) on 2 dof.
        var a = SeedGrids.Of("A", 1, 1, 1);
        var d = SeedGrids.Of("D", 1.1, 1.3, 1.2);
        var p = 1 - Math.Sqrt(6.0 / 7);
        var text = Verdict.Write(LossComparison.AgainstBest([a, d], higherIsBetter: false), Metric, 2, 0.1);
        Assert.Contains($"D is worse (1.20; adjusted p = {p.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture)} against A).", text);
        Assert.Equal("0.074", p.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Says_so_when_there_is_one_contender_or_no_data()
    {
        Assert.Equal("Only A has a score by test RMSE (0.504); there is nothing to compare it with.",
            Verdict.Write(LossComparison.AgainstBest([SeedGrids.A], higherIsBetter: false), Metric, 3, 0.05));
        var none = new Contender("N", new Dictionary<int, double>());
        Assert.Equal("No loss has a finite score by test RMSE; there is nothing to compare. N has no finite score.",
            Verdict.Write(LossComparison.AgainstBest([none], higherIsBetter: false), Metric, 3, 0.05));
        Assert.Throws<ArgumentException>(() =>
            Verdict.Write(LossComparison.AgainstBaseline([SeedGrids.A, SeedGrids.B], "B", higherIsBetter: false), Metric, 3, 0.05));
    }
}

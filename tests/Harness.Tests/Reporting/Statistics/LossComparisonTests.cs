using Harness.Reporting.Statistics;
using MathNet.Numerics.Distributions;
using Xunit;

namespace Harness.Tests.Reporting.Statistics;

/// <summary>Tie groups, Holm across the comparisons, and the detectable difference on grids built with known differences.</summary>
public class LossComparisonTests
{
    [Fact]
    public void Orders_best_first_and_ties_only_what_cannot_be_told_apart()
    {
        var result = LossComparison.AgainstBest([SeedGrids.C, SeedGrids.A, SeedGrids.B], higherIsBetter: false);

        Assert.Equal(["A", "B", "C"], result.Standings.Select(s => s.Name));
        Assert.Equal("A", result.ReferenceName);
        Assert.True(result.ReferenceIsBest);
        var (a, b, c) = (result.Standings[0], result.Standings[1], result.Standings[2]);
        Assert.True(a.IsReference && a.TiedWithReference);
        Assert.Null(a.Comparison);
        Assert.True(b.TiedWithReference);
        Assert.False(c.TiedWithReference);
        Assert.Equal(0.504, a.Summary.Mean, 12);
        Assert.Equal(1.504, c.Summary.Mean, 12);
    }

    [Fact]
    public void Adjusts_the_p_values_by_Holm_across_the_comparisons_with_the_best()
    {
        var result = LossComparison.AgainstBest([SeedGrids.A, SeedGrids.B, SeedGrids.C], higherIsBetter: false);
        var (b, c) = (result.Standings[1], result.Standings[2]);

        // C's t = 1 / (SdC / sqrt 5) on 4 dof; as the smaller of two p-values Holm doubles it.
        var pC = 2 * StudentT.CDF(0, 1, 4, -1 / (SeedGrids.SdC / Math.Sqrt(5)));
        var pB = 2 * StudentT.CDF(0, 1, 4, -0.001 / (SeedGrids.SdB / Math.Sqrt(5)));
        Assert.Equal(pC, c.PValue!.Value, 1e-9);
        Assert.Equal(2 * pC, c.AdjustedPValue!.Value, 1e-9);
        // B's p is the larger one: multiplied by 1 and already above 2 pC.
        Assert.Equal(pB, b.AdjustedPValue!.Value, 1e-9);
        Assert.InRange(pB, 0.85, 0.95); // t = 0.14 on 4 dof: p = 0.895, so doubling it (Bonferroni) would give 1
        // d_z of C: 1 / 0.0790569.
        Assert.Equal(1 / SeedGrids.SdC, c.EffectSize!.Value, 6);
    }

    [Fact]
    public void Ties_are_judged_on_the_Holm_adjusted_p_not_the_raw_one()
    {
        // Differences 0.15, 0.30, 0.225 (in two orders) have mean 0.225 and sd 0.075: t = 3 sqrt 3 on 2 dof, raw
        // p = 1 - t / sqrt(2 + t^2) = 1 - sqrt(27 / 29) = 0.035 each, below 0.05; Holm makes both 0.070, above it.
        var a = SeedGrids.Of("A", 1, 1, 1);
        var d = SeedGrids.Of("D", 1.15, 1.30, 1.225);
        var e = SeedGrids.Of("E", 1.30, 1.15, 1.225);
        var raw = 1 - Math.Sqrt(27.0 / 29);

        var result = LossComparison.AgainstBest([a, d, e], higherIsBetter: false);

        foreach (var s in result.Standings.Skip(1))
        {
            Assert.Equal(raw, s.PValue!.Value, 9);
            Assert.Equal(2 * raw, s.AdjustedPValue!.Value, 9);
            Assert.True(s.TiedWithReference, s.Name);
        }
        Assert.StartsWith("No loss can be told apart from the best", Verdict.Write(result, "loss", 3, 0.05));
    }

    [Fact]
    public void Higher_is_better_reverses_the_order()
    {
        var result = LossComparison.AgainstBest([SeedGrids.A, SeedGrids.B, SeedGrids.C], higherIsBetter: true);
        Assert.Equal(["C", "B", "A"], result.Standings.Select(s => s.Name));
        Assert.False(result.Standings[1].TiedWithReference);
        Assert.False(result.Standings[2].TiedWithReference);
    }

    [Fact]
    public void Zero_variance_differences_are_identical_or_distinct_and_missing_data_goes_last()
    {
        var a = SeedGrids.A;
        var shifted = new Contender("Shifted", a.ScoresBySeed.ToDictionary(kv => kv.Key, kv => kv.Value + 0.1));
        var copy = new Contender("Copy", a.ScoresBySeed);
        var empty = new Contender("Empty", new Dictionary<int, double> { [0] = double.NaN });
        var single = new Contender("Single", new Dictionary<int, double> { [3] = 0.9 });

        var result = LossComparison.AgainstBest([empty, shifted, single, a, copy], higherIsBetter: false);

        Assert.Equal(["A", "Copy", "Shifted", "Single", "Empty"], result.Standings.Select(s => s.Name));
        var byName = result.Standings.ToDictionary(s => s.Name);
        Assert.True(byName["Copy"].TiedWithReference);
        Assert.Contains("identical", byName["Copy"].Note);
        Assert.Null(byName["Copy"].AdjustedPValue);

        Assert.False(byName["Shifted"].TiedWithReference);
        Assert.Equal(0, byName["Shifted"].PValue);
        Assert.Equal(0, byName["Shifted"].AdjustedPValue);
        Assert.Contains("constant", byName["Shifted"].Note);

        // One seed: no test, so it cannot be told apart.
        Assert.True(byName["Single"].TiedWithReference);
        Assert.Null(byName["Single"].PValue);

        Assert.False(byName["Empty"].HasScores);
        Assert.False(byName["Empty"].TiedWithReference);
        Assert.Null(byName["Empty"].Comparison);
    }

    [Fact]
    public void Compares_with_a_named_baseline()
    {
        var result = LossComparison.AgainstBaseline([SeedGrids.A, SeedGrids.B, SeedGrids.C], "C", higherIsBetter: false);

        Assert.Equal("C", result.ReferenceName);
        Assert.False(result.ReferenceIsBest);
        Assert.Equal(["A", "B", "C"], result.Standings.Select(s => s.Name));
        Assert.True(result.Standings[2].IsReference);
        // A - C is the negation of C - A: same p, doubled by Holm if it is the smaller of the two.
        var pA = 2 * StudentT.CDF(0, 1, 4, -1 / (SeedGrids.SdC / Math.Sqrt(5)));
        var a = result.Standings[0];
        Assert.Equal(-1, a.Comparison!.Summary.Mean, 12);
        Assert.Equal(pA, a.PValue!.Value, 1e-9);
        Assert.InRange(a.AdjustedPValue!.Value, pA * 1.5, pA * 2 + 1e-12);
        Assert.False(a.TiedWithReference);
        Assert.False(result.Standings[1].TiedWithReference);
        Assert.Throws<ArgumentException>(() => LossComparison.AgainstBaseline([SeedGrids.A], "Z", higherIsBetter: false));
    }

    [Fact]
    public void The_detectable_difference_uses_the_median_sd_and_the_paired_n()
    {
        var result = LossComparison.AgainstBest([SeedGrids.A, SeedGrids.B, SeedGrids.C], higherIsBetter: false);

        var medianSd = (SeedGrids.SdB + SeedGrids.SdC) / 2;
        var expected = (StudentT.InvCDF(0, 1, 4, 0.975) + StudentT.InvCDF(0, 1, 4, 0.8)) * medianSd / Math.Sqrt(5);
        Assert.Equal(5, result.DetectionPairs);
        Assert.Equal(expected, result.MinimumDetectableDifference!.Value, 9);

        // Adding a loss whose differences from A have zero spread makes the sds (0, SdB, SdC): the median is SdB, not the mean.
        var shifted = new Contender("Shifted", SeedGrids.A.ScoresBySeed.ToDictionary(kv => kv.Key, kv => kv.Value + 0.1));
        var three = LossComparison.AgainstBest([SeedGrids.A, SeedGrids.B, SeedGrids.C, shifted], higherIsBetter: false);
        var expectedThree = (StudentT.InvCDF(0, 1, 4, 0.975) + StudentT.InvCDF(0, 1, 4, 0.8)) * SeedGrids.SdB / Math.Sqrt(5);
        Assert.Equal(expectedThree, three.MinimumDetectableDifference!.Value, 9);

        // A loss scored on only 3 of the 5 seeds sets the paired n: the figure must not assume the best-covered loss's 5.
        var partial = SeedGrids.Of("B3", 0.51, 0.51, 0.51);
        Assert.Equal(3, LossComparison.AgainstBest([SeedGrids.A, SeedGrids.C, partial], higherIsBetter: false).DetectionPairs);

        var alone = LossComparison.AgainstBest([SeedGrids.A], higherIsBetter: false);
        Assert.Null(alone.MinimumDetectableDifference);
    }

    [Fact]
    public void The_bootstrap_interval_does_not_depend_on_the_order_the_scores_were_filled_in()
    {
        // Ten irregular scores: enough distinct resample means that reordering the values under the same random draws
        // moves the percentiles, so reading the dictionary in fill order would show.
        double[] scores = [0.013, 0.171, 0.288, 0.402, 0.555, 0.619, 0.747, 0.838, 0.921, 1.096];
        var reversed = new Contender("R", Enumerable.Range(0, scores.Length).Reverse().ToDictionary(i => i, i => scores[i]));
        Assert.NotEqual(BootstrapInterval.OfMean(scores), BootstrapInterval.OfMean(scores.Reverse().ToList()));

        var standing = LossComparison.AgainstBest([reversed], higherIsBetter: false).Standings[0];
        Assert.Equal(BootstrapInterval.OfMean(scores), standing.Bootstrap);
    }

    [Fact]
    public void Each_standing_carries_its_bootstrap_interval()
    {
        var result = LossComparison.AgainstBest([SeedGrids.A, SeedGrids.C], higherIsBetter: false);
        var c = result.Standings[1];
        Assert.Equal(BootstrapInterval.OfMean([1.50, 1.62, 1.39, 1.56, 1.45]), c.Bootstrap);
        Assert.InRange(c.Bootstrap.Lower, 1.39, 1.504);
        Assert.InRange(c.Bootstrap.Upper, 1.504, 1.62);
    }
}

using MathNet.Numerics.Distributions;

namespace Harness.Reporting.Statistics;

/// <summary>
/// How small a mean paired difference a seed grid can be expected to detect, and how many seeds a given difference
/// needs. This is the usual normal-theory approximation to the power of a two-sided paired t-test, with t quantiles
/// in place of normal ones: (t(1 - alpha / 2, n - 1) + t(power, n - 1)) sd / sqrt(n). It ignores the non-centrality of
/// the exact power calculation, so it is a planning figure (a little optimistic for very small n), not an exact one.
/// </summary>
public static class DetectableDifference
{
    /// <summary>The power conventionally asked of a design, and the default here.</summary>
    public const double DefaultPower = 0.8;

    /// <summary>The smallest mean paired difference detectable with <paramref name="n"/> pairs whose differences have
    /// standard deviation <paramref name="standardDeviation"/>, at two-sided level <paramref name="alpha"/> and the given
    /// <paramref name="power"/>.</summary>
    /// <returns>Null when <paramref name="n"/> is below 2 or the standard deviation is not a finite non-negative number.</returns>
    public static double? Of(double standardDeviation, int n, double alpha = 0.05, double power = DefaultPower)
    {
        CheckProbabilities(alpha, power);
        if (n < 2 || !double.IsFinite(standardDeviation) || standardDeviation < 0) return null;
        return Unchecked(standardDeviation, n, alpha, power);
    }

    /// <summary>The smallest number of seeds n (at least 2) whose detectable difference (<see cref="Of"/>) is at most
    /// |<paramref name="difference"/>|.</summary>
    /// <returns>Null when even <paramref name="maxSeeds"/> seeds do not suffice, or the inputs are not finite.</returns>
    public static int? SeedsNeeded(double standardDeviation, double difference, double alpha = 0.05, double power = DefaultPower, int maxSeeds = 10000)
    {
        CheckProbabilities(alpha, power);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSeeds, 2);
        if (!double.IsFinite(standardDeviation) || standardDeviation < 0 || !double.IsFinite(difference)) return null;
        var target = Math.Abs(difference);
        if (Unchecked(standardDeviation, maxSeeds, alpha, power) > target) return null;
        // The detectable difference falls monotonically with n (both quantiles and 1 / sqrt(n) do), so bisection finds
        // the first n that suffices without evaluating thousands of t quantiles.
        int low = 2, high = maxSeeds;
        while (low < high)
        {
            var mid = low + (high - low) / 2;
            if (Unchecked(standardDeviation, mid, alpha, power) <= target) high = mid;
            else low = mid + 1;
        }
        return low;
    }

    static double Unchecked(double sd, int n, double alpha, double power) =>
        (StudentT.InvCDF(0, 1, n - 1, 1 - alpha / 2) + StudentT.InvCDF(0, 1, n - 1, power)) * sd / Math.Sqrt(n);

    static void CheckProbabilities(double alpha, double power)
    {
        if (!(alpha > 0 && alpha < 1)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "Alpha must lie strictly between 0 and 1.");
        if (!(power > 0 && power < 1)) throw new ArgumentOutOfRangeException(nameof(power), power, "The power must lie strictly between 0 and 1.");
    }
}

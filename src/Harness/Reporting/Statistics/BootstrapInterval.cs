namespace Harness.Reporting.Statistics;

/// <summary>
/// Percentile bootstrap confidence interval of the mean of a small sample (one score per seed). It makes no normality
/// assumption, which is its point next to the Student t interval of <see cref="SampleSummary"/>; with very few seeds
/// it is too narrow (it cannot reach beyond the observed values), so it complements the t interval, not replaces it.
/// </summary>
public static class BootstrapInterval
{
    /// <summary>
    /// Percentile bootstrap interval of the mean of the finite values of <paramref name="values"/>: the
    /// (1 - level) / 2 and 1 - (1 - level) / 2 percentiles (<see cref="Percentile"/>) of the means of
    /// <paramref name="resamples"/> resamples drawn with replacement. Deterministic for a given
    /// <paramref name="seed"/> (System.Random's seeded generator is stable across .NET versions).
    /// </summary>
    /// <returns>(NaN, NaN) when there are fewer than 2 finite values.</returns>
    public static (double Lower, double Upper) OfMean(IReadOnlyList<double> values, double level = 0.95, int resamples = 10000, int seed = 12345)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (!(level > 0 && level < 1)) throw new ArgumentOutOfRangeException(nameof(level), level, "The level must lie strictly between 0 and 1.");
        ArgumentOutOfRangeException.ThrowIfLessThan(resamples, 1);
        var xs = values.Where(double.IsFinite).ToArray();
        if (xs.Length < 2) return (double.NaN, double.NaN);

        var random = new Random(seed);
        var means = new double[resamples];
        for (var r = 0; r < resamples; r++)
        {
            var sum = 0.0;
            for (var i = 0; i < xs.Length; i++) sum += xs[random.Next(xs.Length)];
            means[r] = sum / xs.Length;
        }
        Array.Sort(means);
        var tail = (1 - level) / 2;
        return (Percentile(means, tail), Percentile(means, 1 - tail));
    }

    /// <summary>
    /// The <paramref name="probability"/> quantile of an ascending sample by linear interpolation between order
    /// statistics (Hyndman and Fan type 7, numpy's default): with h = (n - 1) p, the value
    /// x[floor(h)] + (h - floor(h)) (x[floor(h) + 1] - x[floor(h)]), 0-based.
    /// </summary>
    /// <param name="sorted">The sample, ascending and non-empty.</param>
    /// <param name="probability">In [0, 1].</param>
    public static double Percentile(IReadOnlyList<double> sorted, double probability)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Count == 0) throw new ArgumentException("The sample is empty.", nameof(sorted));
        if (!(probability >= 0 && probability <= 1)) throw new ArgumentOutOfRangeException(nameof(probability), probability,
            "The probability must lie in [0, 1].");
        var h = (sorted.Count - 1) * probability;
        var below = (int)Math.Floor(h);
        // p = 1 lands exactly on the last order statistic; there is no next one to interpolate towards.
        if (below >= sorted.Count - 1) return sorted[^1];
        return sorted[below] + (h - below) * (sorted[below + 1] - sorted[below]);
    }
}

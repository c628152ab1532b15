namespace Harness.Data;

/// <summary>
/// Feature standardization x' = (x - mean) / std with statistics from the training split only, so nothing of
/// the validation or test data leaks into training. Tabular data: per feature; images: one mean/std over all
/// pixels (single channel). Population std (ddof 0, as scikit-learn's StandardScaler); a constant feature
/// gets std 1 (it is only centred) instead of a division by zero.
/// </summary>
internal sealed class Standardizer
{
    readonly double[] mean, std;
    readonly int constant;

    Standardizer(double[] mean, double[] std, int constant) { this.mean = mean; this.std = std; this.constant = constant; }

    /// <summary>Statistics of <paramref name="train"/>: per feature, or one pair for the whole sample when <paramref name="singleChannel"/>.</summary>
    public static Standardizer Fit(HostTable train, bool singleChannel)
    {
        int groups = singleChannel ? 1 : train.RowSize;
        var sum = new double[groups];
        var count = (double)train.Count * train.RowSize / groups;
        var x = train.Features;
        for (long i = 0; i < x.LongLength; i++) sum[singleChannel ? 0 : (int)(i % train.RowSize)] += x[i];
        var mean = sum.Select(s => count > 0 ? s / count : 0).ToArray();
        var sq = new double[groups];
        for (long i = 0; i < x.LongLength; i++)
        {
            int g = singleChannel ? 0 : (int)(i % train.RowSize);
            double d = x[i] - mean[g];
            sq[g] += d * d;
        }
        var raw = sq.Select(s => count > 0 ? Math.Sqrt(s / count) : 0).ToArray();
        return new Standardizer(mean, raw.Select(s => s > 1e-12 ? s : 1.0).ToArray(), raw.Count(s => s <= 1e-12));
    }

    /// <summary>Standardizes the table's features in place (tables from <see cref="HostTable.Select"/> own their arrays).</summary>
    public void Apply(HostTable table)
    {
        var x = table.Features;
        if (mean.Length == 1)
        {
            double m = mean[0], s = std[0];
            for (long i = 0; i < x.LongLength; i++) x[i] = (float)((x[i] - m) / s);
            return;
        }
        for (long i = 0; i < x.LongLength; i++)
        {
            int g = (int)(i % table.RowSize);
            x[i] = (float)((x[i] - mean[g]) / std[g]);
        }
    }

    /// <summary>One line for the notes.</summary>
    public string Describe() => mean.Length == 1
        ? $"features standardized with training mean {mean[0].ToString("G5", System.Globalization.CultureInfo.InvariantCulture)} and std {std[0].ToString("G5", System.Globalization.CultureInfo.InvariantCulture)} (single channel)"
        : $"features standardized per feature with training mean/std ({constant} constant feature(s) only centred)";
}

using System.Globalization;

namespace Harness.Data;

/// <summary>
/// Feature standardization x' = (x - mean) / std with statistics from the training split only, so nothing of
/// the validation or test data leaks into training. Tabular data: per feature; images: one mean/std over all
/// pixels (single channel), computed exactly from a 256-bin histogram of the training bytes. Population std
/// (ddof 0, as scikit-learn's StandardScaler); a constant feature gets std 1 (it is only centred) instead of
/// a division by zero. Statistics are accumulated in double, sequentially: bit-identical in every process.
/// </summary>
internal sealed class Standardizer
{
    readonly double[] mean, std;
    readonly int constant;

    Standardizer(double[] mean, double[] std, int constant) { this.mean = mean; this.std = std; this.constant = constant; }

    /// <summary>Pixel tables are scaled by 1/255 (255 maps to exactly 1; TorchVision divides by 256).</summary>
    public static float PixelValue(int v) => v / 255f;

    /// <summary>Statistics of <paramref name="train"/>: one pair for pixel tables, else one per feature.</summary>
    public static Standardizer Fit(HostTable train)
    {
        if (train.Pixels != null)
        {
            var histogram = new long[256];
            foreach (var b in train.Pixels) histogram[b]++;
            double n = train.Pixels.LongLength, m = 0, sq = 0;
            for (int v = 0; v < 256; v++) m += histogram[v] * (double)PixelValue(v);
            m = n > 0 ? m / n : 0;
            for (int v = 0; v < 256; v++) sq += histogram[v] * (PixelValue(v) - m) * (PixelValue(v) - m);
            var s = n > 0 ? Math.Sqrt(sq / n) : 0;
            return new Standardizer([m], [s > 1e-12 ? s : 1.0], s > 1e-12 ? 0 : 1);
        }
        int width = train.RowSize;
        var x = train.Features!;
        var sum = new double[width];
        for (long i = 0; i < x.LongLength; i++) sum[i % width] += x[i];
        var mean = sum.Select(s => train.Count > 0 ? s / train.Count : 0).ToArray();
        var squares = new double[width];
        for (long i = 0; i < x.LongLength; i++)
        {
            double d = x[i] - mean[i % width];
            squares[i % width] += d * d;
        }
        var raw = squares.Select(s => train.Count > 0 ? Math.Sqrt(s / train.Count) : 0).ToArray();
        return new Standardizer(mean, raw.Select(s => s > 1e-12 ? s : 1.0).ToArray(), raw.Count(s => s <= 1e-12));
    }

    /// <summary>The table with standardized float features (a pixel table is converted through a 256-entry lookup).</summary>
    public HostTable Apply(HostTable table)
    {
        if (table.Pixels != null)
        {
            var lookup = new float[256];
            for (int v = 0; v < 256; v++) lookup[v] = (float)((PixelValue(v) - mean[0]) / std[0]);
            return table.WithDecodedPixels(lookup);
        }
        var x = table.Features!;
        var result = GC.AllocateUninitializedArray<float>(x.Length);
        int width = table.RowSize;
        for (long i = 0; i < x.LongLength; i++)
            result[i] = (float)((x[i] - mean[i % width]) / std[i % width]);
        return table.WithFeatures(result);
    }

    /// <summary>Pixels scaled to [0, 1] without standardization.</summary>
    public static HostTable ScalePixels(HostTable table)
    {
        if (table.Pixels == null) return table;
        var lookup = new float[256];
        for (int v = 0; v < 256; v++) lookup[v] = PixelValue(v);
        return table.WithDecodedPixels(lookup);
    }

    /// <summary>One line for the notes.</summary>
    public string Describe() => mean.Length == 1
        ? $"features standardized with training mean {Fmt(mean[0])} and std {Fmt(std[0])} (single channel, pixels scaled by 1/255 first)"
        : $"features standardized per feature with training mean/std ({constant} constant feature(s) only centred)";

    static string Fmt(double v) => v.ToString("G5", CultureInfo.InvariantCulture);
}

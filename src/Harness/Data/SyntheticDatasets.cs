using System.Globalization;

namespace Harness.Data;

/// <summary>
/// Seeded synthetic data for controlled loss studies. Everything is drawn from one System.Random seeded with
/// the dataset seed (Box-Muller normals), in a fixed order, so a config gives the same data in every process.
/// </summary>
internal static class SyntheticDatasets
{
    /// <summary>
    /// synthetic-regression: x ~ N(0, I); linear y = w.x + b + noise with w ~ N(0, 1), b ~ N(0, 1); or, with
    /// Nonlinear, y = sum_j (a_j sin(w_j x_j) + c_j x_j^2 / 2) + noise (a, c ~ N(0, 1), w ~ U(1, 3)).
    /// Noise is N(0, Noise^2).
    /// </summary>
    public static (HostTable Table, string Source) Regression(SyntheticDatasetConfig c, int seed)
    {
        Check(c, classification: false);
        var rng = new Random(seed);
        int n = c.Samples, d = c.Features;
        var w = Normals(rng, d);
        double b = Normal(rng);
        var a = Normals(rng, d);
        var q = Normals(rng, d);
        var freq = Enumerable.Range(0, d).Select(_ => 1 + 2 * rng.NextDouble()).ToArray();
        var x = new float[(long)n * d];
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            double target = c.Nonlinear ? 0 : b;
            for (int j = 0; j < d; j++)
            {
                double v = Normal(rng);
                x[(long)i * d + j] = (float)v;
                // The target uses the float32 feature as stored, so the relation holds exactly on the data.
                double xv = (float)v;
                target += c.Nonlinear ? a[j] * Math.Sin(freq[j] * xv) + 0.5 * q[j] * xv * xv : w[j] * xv;
            }
            y[i] = target + c.Noise * Normal(rng);
        }
        var kind = c.Nonlinear ? "nonlinear sum of a_j sin(w_j x_j) + c_j x_j^2/2" : "linear w.x + b";
        return (new HostTable(x, [d], null, y), $"synthetic-regression ({kind}; samples {n}, features {d}, noise sd {Fmt(c.Noise)}, seed {seed})");
    }

    /// <summary>
    /// synthetic-blobs: Classes Gaussian blobs of spread Noise (standard deviation per coordinate) around
    /// centers drawn uniformly in [-3, 3]^Features; class sizes as equal as possible, order shuffled.
    /// </summary>
    public static (HostTable Table, int ClassCount, string Source) Blobs(SyntheticDatasetConfig c, int seed)
    {
        Check(c, classification: true);
        var rng = new Random(seed);
        int n = c.Samples, d = c.Features, k = c.Classes;
        var centers = new double[k, d];
        for (int m = 0; m < k; m++)
            for (int j = 0; j < d; j++) centers[m, j] = -3 + 6 * rng.NextDouble();
        var labels = Enumerable.Range(0, n).Select(i => (long)(i % k)).ToArray();
        Shuffle(rng, labels);
        var x = new float[(long)n * d];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++)
                x[(long)i * d + j] = (float)(centers[labels[i], j] + c.Noise * Normal(rng));
        return (new HostTable(x, [d], labels, null), k,
            $"synthetic-blobs ({k} Gaussian blobs, centers U(-3, 3); samples {n}, features {d}, spread sd {Fmt(c.Noise)}, seed {seed})");
    }

    static void Check(SyntheticDatasetConfig c, bool classification)
    {
        var name = classification ? "synthetic-blobs" : "synthetic-regression";
        if (c.Samples < 10)
            throw new DataException($"{name}: synthetic.samples = {c.Samples} is too small; valid: >= 10.");
        if (c.Features < 1)
            throw new DataException($"{name}: synthetic.features = {c.Features} is out of range; valid: >= 1.");
        if ((long)c.Samples * c.Features > 100_000_000)
            throw new DataException(
                $"{name}: synthetic.samples x synthetic.features = {(long)c.Samples * c.Features} values is too large; valid: <= 100,000,000.");
        if (!(c.Noise >= 0) || !double.IsFinite(c.Noise))
            throw new DataException($"{name}: synthetic.noise = {Fmt(c.Noise)} is out of range; valid: >= 0.");
        if (classification && (c.Classes < 2 || c.Classes > c.Samples / 2))
            throw new DataException($"{name}: synthetic.classes = {c.Classes} is out of range; valid: 2..{c.Samples / 2} (at least two samples per class).");
    }

    /// <summary>Fisher-Yates with the given generator.</summary>
    internal static void Shuffle<T>(Random rng, T[] items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = rng.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>A standard normal by Box-Muller (one of the pair; simple and reproducible).</summary>
    internal static double Normal(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble(); // (0, 1]: log is finite
        double u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    static double[] Normals(Random rng, int count) => Enumerable.Range(0, count).Select(_ => Normal(rng)).ToArray();

    static string Fmt(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}

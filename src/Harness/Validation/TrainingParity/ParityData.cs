using Harness.Data;
using static TorchSharp.torch;

namespace Harness.Validation.TrainingParity;

/// <summary>
/// A small real data set for training-parity runs, held whole as float32 tensors: features standardized per column
/// (statistics over every row; parity needs the same problem twice, not an honest test split), and either class
/// indices or standardized real targets.
/// </summary>
internal sealed class ParityData : IDisposable
{
    ParityData(string name, Tensor features, long[]? classes, float[]? values, int classCount)
    {
        Name = name;
        Features = features;
        Classes = classes;
        Values = values;
        ClassCount = classCount;
    }

    /// <summary>The data set's name ("digits", "diabetes", "fashion-mnist").</summary>
    public string Name { get; }
    /// <summary>Standardized features [rows, columns] (images flattened), float32.</summary>
    public Tensor Features { get; }
    /// <summary>Class indices, or null for a regression set.</summary>
    public long[]? Classes { get; }
    /// <summary>Standardized real targets, or null for a classification set.</summary>
    public float[]? Values { get; }
    /// <summary>Number of classes (0 for regression).</summary>
    public int ClassCount { get; }
    /// <summary>Number of rows.</summary>
    public int Rows => (int)Features.size(0);
    /// <summary>Feature columns.</summary>
    public int Columns => (int)Features.size(1);

    /// <summary>
    /// Loads a shipped set ("digits", "diabetes", "breast-cancer") or "fashion-mnist" (its 60,000 training images, from
    /// <paramref name="fashionMnistRoot"/>).
    /// </summary>
    public static ParityData Load(string name, string fashionMnistRoot)
    {
        if (name == "fashion-mnist")
        {
            var (train, _, _) = IdxDatasets.Load(name, fashionMnistRoot, download: false);
            var pixels = train.Pixels ?? throw new DataException("fashion-mnist: expected raw pixels.");
            var features = new float[pixels.Length];
            for (int i = 0; i < pixels.Length; i++) features[i] = pixels[i];
            return Build(name, features, train.Count, train.RowSize, train.Classes, null);
        }
        var dataset = DatasetCatalog.Find(name) ?? throw new DataException($"{name}: not a dataset; valid: {string.Join(", ", DatasetCatalog.Names)}.");
        var (table, _, classCount, _, _) = dataset.Load(new DatasetConfig { Name = dataset.Name }, "", 0);
        return Build(name, table.Features!, table.Count, table.RowSize, table.Classes, table.Values, classCount);
    }

    /// <summary>True when <paramref name="name"/> can be loaded here (Fashion-MNIST only where its files are).</summary>
    public static bool Available(string name, string fashionMnistRoot) =>
        name != "fashion-mnist" || new[] { "", ".gz" }.Any(ext => File.Exists(Path.Combine(fashionMnistRoot, "train-images-idx3-ubyte" + ext)));

    static ParityData Build(string name, float[] raw, int rows, int columns, long[]? classes, double[]? values, int classCount = 10)
    {
        var standardized = new float[raw.Length];
        for (int c = 0; c < columns; c++)
        {
            double sum = 0, sumSq = 0;
            for (int r = 0; r < rows; r++) { double v = raw[(long)r * columns + c]; sum += v; sumSq += v * v; }
            double mean = sum / rows, sd = Math.Sqrt(Math.Max(sumSq / rows - mean * mean, 0));
            // A constant column (the digits' border pixels) stays 0 rather than dividing by zero.
            double scale = sd > 1e-12 ? 1 / sd : 0;
            for (int r = 0; r < rows; r++) { long i = (long)r * columns + c; standardized[i] = (float)((raw[i] - mean) * scale); }
        }
        float[]? targets = null;
        if (values != null)
        {
            double mean = values.Average(), sd = Math.Sqrt(values.Select(v => (v - mean) * (v - mean)).Average());
            targets = values.Select(v => (float)((v - mean) / sd)).ToArray();
        }
        var features = tensor(standardized, [rows, columns]);
        return new ParityData(name, features, classes, targets, values != null ? 0 : classCount);
    }

    /// <summary>
    /// The rows of <paramref name="steps"/> mini-batches of <paramref name="batchSize"/>: each epoch a fresh permutation
    /// from System.Random(seed + epoch), the last incomplete batch dropped.
    /// </summary>
    public List<int[]> BatchOrder(int steps, int batchSize, int seed)
    {
        var batches = new List<int[]>(steps);
        int size = Math.Min(batchSize, Rows);
        for (int epoch = 0; batches.Count < steps; epoch++)
        {
            var order = Enumerable.Range(0, Rows).ToArray();
            new Random(seed + epoch).Shuffle(order);
            for (int start = 0; start + size <= Rows && batches.Count < steps; start += size)
                batches.Add(order[start..(start + size)]);
        }
        return batches;
    }

    /// <inheritdoc />
    public void Dispose() => Features.Dispose();
}

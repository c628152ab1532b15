using System.Globalization;
using System.Text;
using Harness.Data;
using Xunit;
using static TorchSharp.torch;

namespace Harness.Tests.Data;

/// <summary>Temporary files and tensor read-back for the data tests.</summary>
internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("harness-data-tests-").FullName;

    public string Write(string name, string text)
    {
        var file = System.IO.Path.Combine(Path, name);
        File.WriteAllText(file, text);
        return file;
    }

    public string Write(string name, byte[] bytes)
    {
        var file = System.IO.Path.Combine(Path, name);
        File.WriteAllBytes(file, bytes);
        return file;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}

internal static class DataTestSupport
{
    public static float[] Floats(Tensor t) => t.data<float>().ToArray();
    public static long[] Longs(Tensor t) => t.data<long>().ToArray();

    /// <summary>
    /// A CSV whose first feature is the row id (so splits can be traced back to rows), a second feature
    /// equal to the id squared, and a class label: class c has counts[c] rows.
    /// </summary>
    public static string IdCsv(params int[] counts)
    {
        var sb = new StringBuilder("id,sq,label\n");
        int id = 0;
        for (int c = 0; c < counts.Length; c++)
            for (int i = 0; i < counts[c]; i++, id++)
                sb.Append(CultureInfo.InvariantCulture, $"{id},{id * id},{c}\n");
        return sb.ToString();
    }

    /// <summary>A regression CSV: id, x, y = 3x + 1.</summary>
    public static string RegressionCsv(int n)
    {
        var sb = new StringBuilder("id,x,y\n");
        for (int i = 0; i < n; i++)
            sb.Append(CultureInfo.InvariantCulture, $"{i},{(i % 17) * 0.5},{3 * (i % 17) * 0.5 + 1}\n");
        return sb.ToString();
    }

    public static DatasetConfig Csv(string path, string task = "classification", bool standardize = false) => new()
    {
        Name = "csv",
        Standardize = standardize,
        Csv = new CsvDatasetConfig { Path = path, Task = task },
    };

    /// <summary>Ids (first feature column) of a split loaded without standardization.</summary>
    public static int[] Ids(DataSplit split)
    {
        var x = Floats(split.Features);
        int width = split.Count == 0 ? 0 : x.Length / (int)split.Count;
        return Enumerable.Range(0, (int)split.Count).Select(i => (int)x[i * width]).ToArray();
    }

    public static int[] ClassCounts(DataSplit split, int classes)
    {
        var counts = new int[classes];
        foreach (var y in Longs(split.Targets)) counts[y]++;
        return counts;
    }

    /// <summary>Asserts that a DataException is thrown whose message contains every fragment.</summary>
    public static DataException ThrowsData(Action action, params string[] fragments)
    {
        var e = Assert.Throws<DataException>(action);
        foreach (var f in fragments) Assert.Contains(f, e.Message);
        return e;
    }
}

namespace Harness.Data;

/// <summary>
/// A dataset (or one split of it) in host memory: features row-major in one float array, targets as class
/// indices or real values. All splitting, standardizing and corrupting happens here, on plain arrays, in a
/// fixed order with System.Random, so results are bit-identical in every process; tensors are created once,
/// at the end (one allocation per split, no per-sample tensors).
/// </summary>
internal sealed class HostTable
{
    public HostTable(float[] features, long[] featureShape, long[]? classes, double[]? values)
    {
        Features = features;
        FeatureShape = featureShape;
        RowSize = checked((int)featureShape.Aggregate(1L, (a, b) => a * b));
        Classes = classes;
        Values = values;
        Count = classes?.Length ?? values?.Length ?? throw new ArgumentException("No targets.");
        if (features.Length != (long)Count * RowSize)
            throw new ArgumentException($"{features.Length} feature values do not make {Count} rows of {RowSize}.");
    }

    /// <summary>Row-major features, <see cref="Count"/> x <see cref="RowSize"/>.</summary>
    public float[] Features { get; }
    /// <summary>Shape of one sample's features.</summary>
    public long[] FeatureShape { get; }
    /// <summary>Product of <see cref="FeatureShape"/>.</summary>
    public int RowSize { get; }
    /// <summary>Class indices (classification), else null.</summary>
    public long[]? Classes { get; }
    /// <summary>Real targets (regression), else null.</summary>
    public double[]? Values { get; }
    /// <summary>Number of samples.</summary>
    public int Count { get; }

    /// <summary>The rows at <paramref name="indices"/>, in that order.</summary>
    public HostTable Select(IReadOnlyList<int> indices)
    {
        var features = new float[(long)indices.Count * RowSize];
        for (int i = 0; i < indices.Count; i++)
            Array.Copy(Features, (long)indices[i] * RowSize, features, (long)i * RowSize, RowSize);
        long[]? classes = Classes == null ? null : indices.Select(i => Classes[i]).ToArray();
        double[]? values = Values == null ? null : indices.Select(i => Values[i]).ToArray();
        return new HostTable(features, FeatureShape, classes, values);
    }

    /// <summary>The same features with other targets (corruptions replace targets, never features).</summary>
    public HostTable WithTargets(long[]? classes, double[]? values) => new(Features, FeatureShape, classes, values);
}

namespace Harness.Data;

/// <summary>
/// A dataset (or one split of it) in host memory: features row-major in one array, targets as class indices
/// or real values. All splitting, standardizing and corrupting happens here, on plain arrays, in a fixed order
/// with System.Random, so results are bit-identical in every process; tensors are created once, at the end
/// (one per split, no per-sample tensors). Images stay as their raw bytes (<see cref="Pixels"/>) until the
/// tensors are made: a quarter of the memory traffic of floats, and pixel statistics come from a histogram.
/// </summary>
internal sealed class HostTable
{
    /// <summary>A table of float features.</summary>
    public HostTable(float[] features, long[] featureShape, long[]? classes, double[]? values)
        : this(features, null, featureShape, classes, values) { }

    /// <summary>A table of uint8 pixels (0..255), scaled by 1/255 when the tensors are made.</summary>
    public HostTable(byte[] pixels, long[] featureShape, long[]? classes, double[]? values)
        : this(null, pixels, featureShape, classes, values) { }

    HostTable(float[]? features, byte[]? pixels, long[] featureShape, long[]? classes, double[]? values,
        byte[]? pixelCodes = null, float[]? pixelLookup = null)
    {
        Features = features;
        Pixels = pixels;
        PixelCodes = pixelCodes;
        PixelLookup = pixelLookup;
        FeatureShape = featureShape;
        RowSize = checked((int)featureShape.Aggregate(1L, (a, b) => a * b));
        Classes = classes;
        Values = values;
        Count = classes?.Length ?? values?.Length ?? throw new ArgumentException("No targets.");
        long length = features?.LongLength ?? pixels!.LongLength;
        if (length != (long)Count * RowSize)
            throw new ArgumentException($"{length} feature values do not make {Count} rows of {RowSize}.");
    }

    /// <summary>Row-major float features, <see cref="Count"/> x <see cref="RowSize"/>; null for a pixel table.</summary>
    public float[]? Features { get; }
    /// <summary>Row-major raw pixels; null for a float table.</summary>
    public byte[]? Pixels { get; }
    /// <summary>
    /// For a float table decoded from pixels (<see cref="WithDecodedPixels"/>): the pixels it was decoded from, with
    /// <c>Features[i] == PixelLookup[PixelCodes[i]]</c>; null otherwise. Opaque here: carried for the accelerators' batch source.
    /// </summary>
    public byte[]? PixelCodes { get; }
    /// <summary>The 256-entry table <see cref="PixelCodes"/> decode through; null when there are no codes.</summary>
    public float[]? PixelLookup { get; }
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

    /// <summary>The rows at <paramref name="indices"/>, in that order (a copy: the result owns its arrays).</summary>
    public HostTable Select(IReadOnlyList<int> indices)
    {
        long[]? classes = Classes == null ? null : indices.Select(i => Classes[i]).ToArray();
        double[]? values = Values == null ? null : indices.Select(i => Values[i]).ToArray();
        if (Pixels != null)
            return new HostTable(null, Gather(Pixels, indices), FeatureShape, classes, values);
        return new HostTable(Gather(Features!, indices), null, FeatureShape, classes, values);
    }

    T[] Gather<T>(T[] source, IReadOnlyList<int> indices)
    {
        var result = GC.AllocateUninitializedArray<T>(checked(indices.Count * RowSize));
        for (int i = 0; i < indices.Count; i++)
            Array.Copy(source, (long)indices[i] * RowSize, result, (long)i * RowSize, RowSize);
        return result;
    }

    /// <summary>The same features with other targets (corruptions replace targets, never features).</summary>
    public HostTable WithTargets(long[]? classes, double[]? values) => new(Features, Pixels, FeatureShape, classes, values, PixelCodes, PixelLookup);

    /// <summary>The same targets with float features (standardization, pixel scaling).</summary>
    public HostTable WithFeatures(float[] features) => new(features, null, FeatureShape, Classes, Values);

    /// <summary>
    /// A pixel table as float features, pixel by pixel through <paramref name="lookup"/> (256 entries), keeping the
    /// pixels as <see cref="PixelCodes"/>.
    /// </summary>
    public HostTable WithDecodedPixels(float[] lookup)
    {
        var pixels = Pixels ?? throw new InvalidOperationException("only a pixel table decodes through a lookup");
        if (lookup.Length != 256) throw new ArgumentException($"a pixel lookup has 256 entries, not {lookup.Length}", nameof(lookup));
        var features = GC.AllocateUninitializedArray<float>(pixels.Length);
        for (int i = 0; i < pixels.Length; i++) features[i] = lookup[pixels[i]];
        return new(features, null, FeatureShape, Classes, Values, pixels, lookup);
    }
}

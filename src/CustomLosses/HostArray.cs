using static TorchSharp.torch;

namespace CustomLosses;

/// <summary>
/// A tensor's values copied to a plain float64 array with its shape, for reference formulas written
/// as ordinary loops (independent of libtorch's kernels).
/// </summary>
public sealed class HostArray
{
    /// <summary>Wraps data in row-major order with the given shape.</summary>
    public HostArray(double[] data, long[] shape)
    {
        if (data.Length != shape.Aggregate(1L, (a, b) => a * b))
            throw new ArgumentException($"{data.Length} values do not fill shape [{string.Join(",", shape)}].");
        Data = data;
        Shape = shape;
    }

    /// <summary>Copies a tensor (any dtype, any device) to float64 host memory.</summary>
    public static HostArray From(Tensor t)
    {
        using var scope = NewDisposeScope();
        var data = t.detach().to(ScalarType.Float64).cpu().contiguous().data<double>().ToArray();
        return new HostArray(data, t.shape.ToArray());
    }

    /// <summary>
    /// A vector option given as a tensor (class or label weights) as the values the array constructors take, or null;
    /// another rank is one error naming the loss and option.
    /// </summary>
    public static double[]? OptionVector(Tensor? t, string loss, string option)
    {
        if (t is null) return null;
        if (t.dim() != 1)
            throw new Catalog.LossOptionException($"{loss}: {option} must be a 1-D tensor; got {t.dim()} dimensions.");
        return From(t).Data;
    }

    /// <summary>Values in row-major order.</summary>
    public double[] Data { get; }

    /// <summary>Dimensions.</summary>
    public long[] Shape { get; }

    /// <summary>Number of elements.</summary>
    public int Count => Data.Length;

    /// <summary>Number of dimensions.</summary>
    public int Rank => Shape.Length;

    /// <summary>Size of dimension <paramref name="d"/>.</summary>
    public int Dim(int d) => (int)Shape[d];

    /// <summary>Element [i] of a 1-D array, or the i-th value in row-major order.</summary>
    public double this[int i] => Data[i];

    /// <summary>Element [i, j] of a 2-D array.</summary>
    public double this[int i, int j] => Data[i * Shape[1] + j];

    /// <summary>Element [i, j, k] of a 3-D array.</summary>
    public double this[int i, int j, int k] => Data[(i * Shape[1] + j) * Shape[2] + k];
}

using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace CustomLosses;

/// <summary>
/// Reads a one-element tensor's value on the host, as <c>item&lt;T&gt;()</c> does, without the <c>TensorAccessor</c>
/// that <c>item</c> makes: TorchSharp 0.107 never suppresses its finalizer, so each read leaves an object for the GC
/// to promote and the finalizer thread to run (see <see cref="TensorShape"/>). For reads on every training step.
/// </summary>
public static class HostValue
{
    /// <summary>The value of <paramref name="t"/> (one element, dtype matching <typeparamref name="T"/>; copied from the GPU if it is there).</summary>
    public static T Read<T>(Tensor t) where T : unmanaged
    {
        if (t.numel() != 1) throw new ArgumentException($"a host read needs a tensor of one element; got {t.numel()}", nameof(t));
        if (t.dtype != DtypeOf<T>())
            throw new ArgumentException($"a {t.dtype} tensor cannot be read as {typeof(T).Name}; it holds {DtypeOf<T>()} values only", nameof(t));
        if (t.device_type != DeviceType.CPU)
        {
            using var host = t.cpu();
            return MemoryMarshal.Read<T>(host.bytes);
        }
        // A one-element tensor is contiguous whatever its strides, so its bytes are the value.
        return MemoryMarshal.Read<T>(t.bytes);
    }

    /// <summary>
    /// A one-element floating tensor's value as a double: float32 read directly (float to double is exact, so this is
    /// the value a conversion on the device gives), any other dtype converted to float64 first.
    /// </summary>
    public static double ReadAsDouble(Tensor t)
    {
        if (t.dtype == ScalarType.Float32) return Read<float>(t);
        using var wide = t.to(ScalarType.Float64);
        return Read<double>(wide);
    }

    // typeof comparisons fold away for each value type T (a switch over default(T) would box it on every read).
    static ScalarType DtypeOf<T>() =>
        typeof(T) == typeof(float) ? ScalarType.Float32
        : typeof(T) == typeof(double) ? ScalarType.Float64
        : typeof(T) == typeof(long) ? ScalarType.Int64
        : typeof(T) == typeof(int) ? ScalarType.Int32
        : typeof(T) == typeof(bool) ? ScalarType.Bool
        : throw new NotSupportedException($"host reads of {typeof(T).Name} are not supported (float, double, long, int, bool)");
}

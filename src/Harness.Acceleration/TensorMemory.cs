using static TorchSharp.torch;

namespace Harness.Acceleration;

/// <summary>Where a contiguous CPU tensor's bytes are, for the code that reads or advises them by address.</summary>
internal static unsafe class TensorMemory
{
    /// <summary>
    /// The address of the first element of a contiguous CPU tensor with at least one dimension (TorchSharp's byte span
    /// needs the whole tensor under 2 GB; a one-row view of it does not).
    /// </summary>
    public static byte* Start(Tensor t)
    {
        using var first = t.narrow(0, 0, 1);
        fixed (byte* p = first.bytes) return p;
    }

    /// <summary>The tensor's size in bytes.</summary>
    public static long Bytes(Tensor t) => t.numel() * t.ElementSize;
}

using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Training;

/// <summary>
/// Writes a tensor in TorchSharp's own format (what <c>Tensor.Save(BinaryWriter)</c> writes and <c>Tensor.Load</c>
/// reads: dtype, rank and sizes as unsigned LEB128, then the exact bytes), copying a CPU tensor's bytes in one go.
/// </summary>
/// <remarks>
/// TorchSharp's Save copies the bytes through a 1 KB buffer, and reads the shape through an array whose finalizer is
/// never suppressed; for the checkpoint taken on the training thread at every epoch's end, a single copy is what is
/// worth having. The tests compare the bytes with TorchSharp's for every dtype and rank the harness saves.
/// </remarks>
internal static class TensorBytes
{
    /// <summary>Writes <paramref name="t"/>; tensors off the CPU, not contiguous or over 2 GB go through TorchSharp's own Save.</summary>
    public static void Write(BinaryWriter writer, Tensor t)
    {
        if (t.device_type != DeviceType.CPU || !t.is_contiguous() || t.numel() * t.ElementSize > int.MaxValue)
        {
            t.Save(writer);
            return;
        }
        Leb128(writer, (long)t.dtype);
        long rank = t.dim();
        Leb128(writer, rank);
        for (int d = 0; d < rank; d++) Leb128(writer, t.size(d));
        writer.Write(t.bytes);
    }

    static void Leb128(BinaryWriter writer, long value)
    {
        if (value < 0) throw new ArgumentOutOfRangeException(nameof(value), value, "LEB128 here encodes non-negative values only");
        while (value >= 0x80)
        {
            writer.Write((byte)(value & 0x7f | 0x80));
            value >>= 7;
        }
        writer.Write((byte)value);
    }
}

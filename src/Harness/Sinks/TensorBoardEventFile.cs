using System.Buffers.Binary;
using System.Numerics;
using Google.Protobuf;
using Tensorboard;

namespace Harness.Sinks;

/// <summary>
/// One TensorBoard event file of scalars, held open while its run trains: records are collected in memory and
/// <see cref="Flush"/> appends them with one write. The format is TensorFlow's record file (a little-endian 64-bit
/// length, its masked CRC-32C, the bytes, their masked CRC-32C) of <c>Event</c> protocol buffers (TorchSharp's generated
/// <c>Tensorboard</c> types): the first says <c>file_version</c>, each later one holds one <c>Summary.Value</c> with a tag
/// and a <c>simple_value</c>.
/// </summary>
/// <remarks>
/// Why not TorchSharp's SummaryWriter: it opens, seeks, writes and closes the file for every scalar, which made the
/// events the largest part of a small grid's per-epoch bookkeeping (docs/performance.md, "Where a small grid's time
/// goes"), and it records the wall time in .NET ticks where TensorBoard reads seconds since 1970.
/// </remarks>
internal sealed class TensorBoardEventFile : IDisposable
{
    static int created;

    readonly FileStream stream;
    readonly MemoryStream pending = new();

    /// <summary>Creates a new event file in <paramref name="folder"/> (created if absent), named as TensorBoard expects.</summary>
    public TensorBoardEventFile(string folder)
    {
        Directory.CreateDirectory(folder);
        var seconds = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Path = System.IO.Path.Combine(folder,
            $"events.out.tfevents.{seconds}.{Environment.MachineName}.{Environment.ProcessId}.{Interlocked.Increment(ref created)}");
        stream = new FileStream(Path, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
        AddRecord(new Event { WallTime = WallTime(), FileVersion = "brain.Event:2" }.ToByteArray());
        Flush();
    }

    /// <summary>The file's path.</summary>
    public string Path { get; }

    /// <summary>Adds a scalar at <paramref name="step"/> (written by the next <see cref="Flush"/>).</summary>
    public void AddScalar(string tag, float value, long step)
    {
        var summary = new Summary();
        summary.Value.Add(new Summary.Types.Value { Tag = tag, SimpleValue = value });
        AddRecord(new Event { WallTime = WallTime(), Step = step, Summary = summary }.ToByteArray());
    }

    /// <summary>Appends the records added since the last flush, in one write.</summary>
    public void Flush()
    {
        if (pending.Length == 0) return;
        stream.Write(pending.GetBuffer(), 0, (int)pending.Length);
        stream.Flush();
        pending.SetLength(0);
    }

    /// <summary>Flushes and closes the file.</summary>
    public void Dispose()
    {
        try { Flush(); }
        finally { stream.Dispose(); }
    }

    static double WallTime() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;

    void AddRecord(byte[] data)
    {
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], MaskedCrc(header[..8]));
        Span<byte> footer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(footer, MaskedCrc(data));
        pending.Write(header);
        pending.Write(data);
        pending.Write(footer);
    }

    /// <summary>The record format's masked CRC-32C (Castagnoli): the checksum rotated right by 15 bits plus a constant.</summary>
    internal static uint MaskedCrc(ReadOnlySpan<byte> data)
    {
        var crc = Crc32C(data);
        return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
    }

    /// <summary>CRC-32C of <paramref name="data"/> (initial value and final complement as usual).</summary>
    internal static uint Crc32C(ReadOnlySpan<byte> data)
    {
        uint crc = ~0u;
        int i = 0;
        for (; i + 8 <= data.Length; i += 8) crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data[i..]));
        for (; i < data.Length; i++) crc = BitOperations.Crc32C(crc, data[i]);
        return ~crc;
    }
}

using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Training;

/// <summary>
/// A model's parameters and buffers as bytes, and back, in place. TorchSharp's <c>Module.save/load</c> would do
/// the same, but its <c>load</c> moves a CUDA model to the CPU and back, which replaces the parameter objects an
/// optimizer holds; here every tensor is loaded into the existing one (bytes on the CPU, <c>copy_</c> elsewhere).
/// </summary>
public static class ModelStateBytes
{
    /// <summary>
    /// Every state_dict entry: name, then TorchSharp's tensor format (dtype, shape, exact bytes). The bytes are the
    /// written part of the stream's own buffer, not a copy of it (a checkpoint's 1-3 MB, every epoch).
    /// </summary>
    public static ReadOnlyMemory<byte> Save(nn.Module model) => Save(model, new MemoryStream(SizeHint(model)));

    /// <summary>As <see cref="Save(nn.Module)"/>, into <paramref name="stream"/> (empty, expandable; see <see cref="ICheckpointMemory"/>).</summary>
    internal static ReadOnlyMemory<byte> Save(nn.Module model, MemoryStream stream)
    {
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            var state = model.state_dict();
            writer.Write(state.Count);
            foreach (var (name, t) in state)
            {
                writer.Write(name);
                TensorBytes.Write(writer, t);
            }
        }
        return Written(stream);
    }

    /// <summary>What was written to <paramref name="stream"/>, as a view of its buffer.</summary>
    public static ReadOnlyMemory<byte> Written(MemoryStream stream) => new(stream.GetBuffer(), 0, checked((int)stream.Length));

    /// <summary>A read-only stream over <paramref name="bytes"/> (no copy).</summary>
    public static MemoryStream Reading(ReadOnlyMemory<byte> bytes) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(bytes, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(bytes.ToArray(), writable: false);

    /// <summary>Bytes a model's state (or an optimizer's, which holds up to three tensors per parameter) needs, and a margin for names and headers.</summary>
    public static int SizeHint(nn.Module model, int tensorsPerParameter = 1)
    {
        long bytes = 4096;
        foreach (var (name, t) in model.state_dict()) bytes += (t.NumberOfElements * t.ElementSize + 64 + 2 * name.Length) * tensorsPerParameter;
        return (int)Math.Min(bytes, int.MaxValue / 2);
    }

    /// <summary>Loads bytes from <see cref="Save(nn.Module)"/> into <paramref name="model"/>; every name, dtype and shape must match.</summary>
    public static void Load(nn.Module model, ReadOnlyMemory<byte> bytes)
    {
        var state = model.state_dict();
        using var reader = new BinaryReader(Reading(bytes), Encoding.UTF8);
        var count = reader.ReadInt32();
        if (count != state.Count)
            throw new InvalidDataException($"the checkpoint holds {count} model tensors, the model has {state.Count}");
        for (int i = 0; i < count; i++)
        {
            var name = reader.ReadString();
            if (!state.TryGetValue(name, out var target))
                throw new InvalidDataException($"the checkpoint holds a model tensor '{name}' that the model does not have");
            try { target.Load(reader); }
            catch (ArgumentException e) { throw new InvalidDataException($"model tensor '{name}': {e.Message}", e); }
        }
        if (reader.BaseStream.Position != reader.BaseStream.Length)
            throw new InvalidDataException("trailing bytes after the model state");
    }
}

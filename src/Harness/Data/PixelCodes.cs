using static TorchSharp.torch;

namespace Harness.Data;

/// <summary>
/// Image features as the pixels they were decoded from: uint8 <see cref="Bytes"/> of the features' shape and the
/// 256-entry table <see cref="Lookup"/>, with <c>features[i] == Lookup[Bytes[i]]</c> element by element. Opaque to the
/// data code and to the training loop, which read only the floats: carried for the CPU batch source of the runner's
/// accelerators (Harness.Acceleration), which gathers from these bytes instead (a quarter of the memory). Owns <see cref="Bytes"/>.
/// </summary>
public sealed class PixelCodes : IDisposable
{
    /// <summary>Takes ownership of <paramref name="bytes"/> (uint8, detached from any dispose scope); <paramref name="lookup"/> has 256 entries.</summary>
    public PixelCodes(Tensor bytes, float[] lookup)
    {
        if (bytes.dtype != ScalarType.Byte) throw new ArgumentException($"pixel codes are uint8, not {bytes.dtype}.", nameof(bytes));
        if (lookup.Length != 256) throw new ArgumentException($"a pixel lookup has 256 entries, not {lookup.Length}.", nameof(lookup));
        Bytes = bytes.DetachFromDisposeScope();
        Lookup = lookup;
    }

    /// <summary>The pixels, uint8, in the features' shape.</summary>
    public Tensor Bytes { get; }

    /// <summary>The 256-entry table the pixels decode through.</summary>
    public float[] Lookup { get; }

    /// <inheritdoc />
    public void Dispose() => Bytes.Dispose();
}

using static TorchSharp.torch;

namespace Harness.Acceleration;

/// <summary>
/// The uint8 bytes float features were made from, with the 256-entry table they go through:
/// <c>features[i] == Lookup[Bytes[i]]</c> element by element. <see cref="RowCopyGather"/> reads and decodes these
/// instead of the floats (a quarter of the memory). A view: it owns nothing.
/// </summary>
/// <param name="Bytes">uint8, in the features' shape.</param>
/// <param name="Lookup">256 entries.</param>
public sealed record PixelSource(Tensor Bytes, float[] Lookup);

using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Harness.Acceleration;

/// <summary>
/// Decodes rows of pixel bytes into float32 features through a 256-entry lookup table (<c>out[i] = lookup[in[i]]</c>),
/// 64 pixels at a time with AVX-512 VBMI byte permutes: bit-identical to the table, by construction, whatever its
/// values. <see cref="RowCopyGather"/> uses it to gather image batches from the bytes, a quarter of the memory the
/// float features take.
/// </summary>
/// <remarks>
/// <para>Why: a shuffled batch reads rows scattered over the whole training set, and that read is what an image
/// batch's gather waits on. Standardized pixels have 256 possible values (one mean and std per dataset, see
/// <c>Standardizer</c>), so the bytes determine the floats. Measured on an AMD EPYC (Zen 4), one Fashion-MNIST epoch of
/// gathers alone (469 batches of 128 shuffled rows, alternating batch by batch): copying float rows with L2 prefetch
/// 20-24 ms, this decode 12.6-14.7 ms; a <c>vpgatherdd</c> table lookup 26-36 ms; arithmetic decoding in double
/// (exact for that dataset's mean and std, not for every table) 17-22 ms. Inside training (the MLP, 2 threads, the
/// three gathers taking turns batch by batch, 12 epochs): 43-122 µs per batch of 128, against 72-172 µs for the float
/// row copy and 73-146 µs for index_select: 0.56-0.87x the float row copy, median 0.60x, over 12 epochs.</para>
/// <para>How: the table is split into four byte planes (byte j of every entry), each 256 bytes in four registers. For 64
/// pixel bytes, two <c>vpermi2b</c> per plane look up the low 7 bits in each half of the plane and the top bit picks
/// the half: 64 bytes of each of the four planes. Byte-to-word and word-to-dword unpacks interleave them into floats,
/// which within each 128-bit lane takes every fourth group of four; the pixel bytes are permuted beforehand (one
/// <c>vpermb</c>) so that the four results come out as pixels 0-15, 16-31, 32-47, 48-63 in order. A row whose length
/// is not a multiple of 64 ends with a chunk overlapping the one before it, rewriting the same values.</para>
/// </remarks>
public sealed class PixelLookupDecoder
{
    /// <summary>Pixels per chunk; rows must be at least this long.</summary>
    public const int ChunkBytes = 64;

    readonly Vector512<byte>[] planes = new Vector512<byte>[16];   // plane j: entries 0-63, 64-127, 128-191, 192-255
    readonly Vector512<byte> order;

    /// <summary>Whether this CPU has the instructions (AVX-512 F, BW and VBMI: Intel Ice Lake and later, AMD Zen 4 and later).</summary>
    public static bool IsSupported => Avx512Vbmi.IsSupported && Avx512BW.IsSupported && Avx512F.IsSupported;

    /// <summary>A decoder for <paramref name="lookup"/> (256 entries); checks itself on every byte value.</summary>
    public PixelLookupDecoder(float[] lookup)
    {
        if (!IsSupported) throw new PlatformNotSupportedException("PixelLookupDecoder needs AVX-512 VBMI.");
        if (lookup.Length != 256) throw new ArgumentException($"the lookup has {lookup.Length} entries; a pixel lookup has 256", nameof(lookup));
        var bytes = MemoryMarshal.AsBytes(lookup.AsSpan());
        var plane = new byte[256];
        for (int j = 0; j < 4; j++)
        {
            for (int v = 0; v < 256; v++) plane[v] = bytes[4 * v + j];
            for (int q = 0; q < 4; q++) planes[4 * j + q] = Vector512.Create(plane.AsSpan(ChunkBytes * q, ChunkBytes));
        }
        // After the unpacks, result m's lane l holds, as dwords t = 0..3, the input bytes at l*16 + 4m + t; feeding it
        // pixel 16m + 4l + t there makes result m pixels 16m..16m+15.
        var permutation = new byte[ChunkBytes];
        for (int l = 0; l < 4; l++)
            for (int m = 0; m < 4; m++)
                for (int t = 0; t < 4; t++) permutation[l * 16 + 4 * m + t] = (byte)(16 * m + 4 * l + t);
        order = Vector512.Create(permutation);
        SelfCheck(lookup);
    }

    /// <summary>
    /// Decodes <paramref name="source"/> (at least <see cref="ChunkBytes"/> pixels) into the first <c>source.Length</c>
    /// floats of <paramref name="destination"/>.
    /// </summary>
    public unsafe void Decode(ReadOnlySpan<byte> source, Span<float> destination)
    {
        if (destination.Length < source.Length)
            throw new ArgumentException($"{source.Length} pixels do not fit in {destination.Length} floats", nameof(destination));
        fixed (byte* s = source)
        fixed (float* d = destination)
            Decode(s, d, source.Length);
    }

    /// <summary>
    /// Decodes <paramref name="count"/> (at least <see cref="ChunkBytes"/>) pixels at <paramref name="source"/> into
    /// floats at <paramref name="destination"/>.
    /// </summary>
    public unsafe void Decode(byte* source, float* destination, long count)
    {
        if (count < ChunkBytes) throw new ArgumentOutOfRangeException(nameof(count), count, $"rows of at least {ChunkBytes} pixels");
        var (p00, p01, p02, p03) = (planes[0], planes[1], planes[2], planes[3]);
        var (p10, p11, p12, p13) = (planes[4], planes[5], planes[6], planes[7]);
        var (p20, p21, p22, p23) = (planes[8], planes[9], planes[10], planes[11]);
        var (p30, p31, p32, p33) = (planes[12], planes[13], planes[14], planes[15]);
        for (long c = 0; ; c += ChunkBytes)
        {
            if (c + ChunkBytes > count) c = count - ChunkBytes;
            var index = Avx512Vbmi.PermuteVar64x8(Avx512F.LoadVector512(source + c), order);
            // BlendVariable takes the second operand where the index's top bit is set: entries 128-255.
            var b0 = Avx512BW.BlendVariable(Avx512Vbmi.PermuteVar64x8x2(p00, index, p01), Avx512Vbmi.PermuteVar64x8x2(p02, index, p03), index);
            var b1 = Avx512BW.BlendVariable(Avx512Vbmi.PermuteVar64x8x2(p10, index, p11), Avx512Vbmi.PermuteVar64x8x2(p12, index, p13), index);
            var b2 = Avx512BW.BlendVariable(Avx512Vbmi.PermuteVar64x8x2(p20, index, p21), Avx512Vbmi.PermuteVar64x8x2(p22, index, p23), index);
            var b3 = Avx512BW.BlendVariable(Avx512Vbmi.PermuteVar64x8x2(p30, index, p31), Avx512Vbmi.PermuteVar64x8x2(p32, index, p33), index);
            var low01 = Avx512BW.UnpackLow(b0, b1).AsUInt16();
            var high01 = Avx512BW.UnpackHigh(b0, b1).AsUInt16();
            var low23 = Avx512BW.UnpackLow(b2, b3).AsUInt16();
            var high23 = Avx512BW.UnpackHigh(b2, b3).AsUInt16();
            var output = (uint*)(destination + c);
            Avx512F.Store(output, Avx512BW.UnpackLow(low01, low23).AsUInt32());
            Avx512F.Store(output + 16, Avx512BW.UnpackHigh(low01, low23).AsUInt32());
            Avx512F.Store(output + 32, Avx512BW.UnpackLow(high01, high23).AsUInt32());
            Avx512F.Store(output + 48, Avx512BW.UnpackHigh(high01, high23).AsUInt32());
            if (c + ChunkBytes >= count) break;
        }
    }

    /// <summary>
    /// Every byte value at every position of a chunk (256 chunks, byte (k + p) mod 256 at position p of chunk k)
    /// decodes to its entry bit for bit.
    /// </summary>
    void SelfCheck(float[] lookup)
    {
        var source = new byte[256 * ChunkBytes];
        for (int i = 0; i < source.Length; i++) source[i] = (byte)(i / ChunkBytes + i % ChunkBytes);
        var decoded = new float[source.Length];
        Decode(source, decoded);
        for (int i = 0; i < source.Length; i++)
            if (BitConverter.SingleToInt32Bits(decoded[i]) != BitConverter.SingleToInt32Bits(lookup[source[i]]))
                throw new InvalidOperationException(
                    $"PixelLookupDecoder decoded byte {source[i]} at position {i} to {decoded[i]:R}, not {lookup[source[i]]:R}.");
    }
}

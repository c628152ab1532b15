using System.Runtime.Intrinsics.X86;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Acceleration;

/// <summary>
/// Batches of contiguous CPU data by copying each sample's row into two buffers made once per run, prefetching the
/// rows a few samples ahead. The bytes are those <c>index_select</c> gives, and the buffers are libtorch allocations
/// (64-byte aligned like index_select's output), so training is bit-identical to <see cref="IndexSelectGather"/>.
/// Given the pixel bytes float image features were decoded from, it reads those instead and decodes each row into the
/// buffer (<see cref="PixelLookupDecoder"/>): the same floats, from a quarter of the memory.
/// </summary>
/// <remarks>
/// <para>Why: a shuffled batch reads rows scattered over the whole training set (188 MB for Fashion-MNIST, far beyond
/// the caches), and the gather is bound by memory latency, not bandwidth: every row starts with a cache and TLB miss.
/// There is no kernel dispatch and no tensor to allocate or dispose per batch.</para>
/// <para>The rows are prefetched into the L2 cache (<c>prefetcht2</c>), not into L1 (<c>prefetcht0</c>): on an AMD
/// EPYC (Zen 4, 1 MB L2 per core) the L1 prefetch of a row's 49 cache lines bought nothing, while the L2 one more
/// than halved the gather. Measured there, one Fashion-MNIST epoch of gathers (469 batches, one process, alternating
/// epochs, no training around them): index_select 14-19 ms, this copy with L1 prefetch 22-25 ms, without prefetch
/// 22 ms, with L2 prefetch 9.5-10 ms (distances 2-8 the same, 16 slower; L2 prefetch from 4 KB pages 15 ms). On the
/// EPYC of an earlier session (0.7 s training epochs, gathers timed inside them): index_select 28.6 ms, this copy with
/// L1 prefetch 25.4 ms; with the features on huge pages (see <see cref="TransparentHugePages"/>) 19.0 and 16.0 ms.
/// Without any prefetch the single-threaded copy is slower than index_select, which splits the rows over two threads.</para>
/// </remarks>
public sealed unsafe class RowCopyGather : BatchGather
{
    /// <summary>How many samples ahead the rows are prefetched (2-8 measured the same, 16 slower).</summary>
    const int PrefetchDistance = 4;
    const int CacheLine = 64;

    readonly Tensor featureBuffer, targetBuffer;
    readonly byte* featureSource, targetSource, featureDestination, targetDestination;
    readonly long featureRowBytes, targetRowBytes, sourceRowBytes, rows, capacity;
    readonly PixelLookupDecoder? decoder;
    long* order;
    long orderLength;

    /// <summary>Whether both tensors are contiguous CPU tensors with one row per sample.</summary>
    public static bool Supports(Tensor features, Tensor targets) =>
        features.device_type == DeviceType.CPU && targets.device_type == DeviceType.CPU
        && features.is_contiguous() && targets.is_contiguous()
        && features.dim() >= 1 && targets.dim() >= 1 && features.shape[0] == targets.shape[0] && features.shape[0] > 0;

    /// <summary>
    /// Whether <paramref name="pixels"/> can stand in for float32 <paramref name="features"/>: contiguous CPU pixels of
    /// the same shape, rows of at least <see cref="PixelLookupDecoder.ChunkBytes"/>, and a CPU that decodes them.
    /// </summary>
    public static bool CanDecode(Tensor features, PixelSource? pixels) =>
        pixels is not null && PixelLookupDecoder.IsSupported && features.dtype == ScalarType.Float32
        && pixels.Bytes.device_type == DeviceType.CPU && pixels.Bytes.is_contiguous()
        && pixels.Bytes.shape.SequenceEqual(features.shape) && features.shape[0] > 0
        && pixels.Bytes.numel() / features.shape[0] >= PixelLookupDecoder.ChunkBytes;

    /// <summary>
    /// Makes the two buffers of <paramref name="batchSize"/> rows. With <paramref name="pixels"/> (see
    /// <see cref="CanDecode"/>), feature rows are decoded from those bytes; <paramref name="features"/> must be what
    /// they decode to.
    /// </summary>
    public RowCopyGather(Tensor features, Tensor targets, int batchSize, PixelSource? pixels = null)
    {
        if (!Supports(features, targets)) throw new ArgumentException("RowCopyGather needs contiguous CPU tensors with the same number of rows.");
        if (pixels is not null && !CanDecode(features, pixels))
            throw new ArgumentException("the pixel codes cannot stand in for these features (see RowCopyGather.CanDecode)", nameof(pixels));
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "the batch size must be at least 1");
        rows = features.shape[0];
        capacity = Math.Min(batchSize, rows);
        featureRowBytes = RowBytes(features);
        targetRowBytes = RowBytes(targets);
        featureBuffer = BufferFor(features, capacity);
        targetBuffer = BufferFor(targets, capacity);
        if (pixels is not null)
        {
            decoder = new PixelLookupDecoder(pixels.Lookup);
            sourceRowBytes = RowBytes(pixels.Bytes);
            featureSource = TensorMemory.Start(pixels.Bytes);
        }
        else
        {
            sourceRowBytes = featureRowBytes;
            featureSource = TensorMemory.Start(features);
        }
        targetSource = TensorMemory.Start(targets);
        featureDestination = TensorMemory.Start(featureBuffer);
        targetDestination = TensorMemory.Start(targetBuffer);
    }

    /// <summary>Whether feature rows are decoded from pixel bytes rather than copied.</summary>
    public bool DecodesPixels => decoder != null;

    /// <inheritdoc />
    public override void BeginEpoch(Tensor order)
    {
        if (order.device_type != DeviceType.CPU || order.dtype != ScalarType.Int64 || order.dim() != 1 || !order.is_contiguous())
            throw new ArgumentException("the epoch order must be a contiguous 1-d int64 CPU tensor", nameof(order));
        orderLength = order.shape[0];
        this.order = orderLength == 0 ? null : (long*)TensorMemory.Start(order);
    }

    /// <inheritdoc />
    public override (Tensor Features, Tensor Targets) Take(long start, long count)
    {
        if (count < 1 || count > capacity) throw new ArgumentOutOfRangeException(nameof(count), count, $"a batch holds 1..{capacity} samples");
        if (order == null || start < 0 || start + count > orderLength)
            throw new ArgumentOutOfRangeException(nameof(start), start, $"positions [{start}, {start + count}) are outside the epoch's order of {orderLength}");
        var ahead = Math.Min(PrefetchDistance, count);
        for (long i = 0; i < ahead; i++) Prefetch(Row(order[start + i]));
        for (long i = 0; i < count; i++)
        {
            if (i + PrefetchDistance < count) Prefetch(Row(order[start + i + PrefetchDistance]));
            var row = Row(order[start + i]);
            if (decoder != null) decoder.Decode(featureSource + row * sourceRowBytes, (float*)(featureDestination + i * featureRowBytes), sourceRowBytes);
            else Buffer.MemoryCopy(featureSource + row * featureRowBytes, featureDestination + i * featureRowBytes, featureRowBytes, featureRowBytes);
            Buffer.MemoryCopy(targetSource + row * targetRowBytes, targetDestination + i * targetRowBytes, targetRowBytes, targetRowBytes);
        }
        return count == capacity ? (featureBuffer, targetBuffer) : (featureBuffer.narrow(0, 0, count), targetBuffer.narrow(0, 0, count));
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        featureBuffer.Dispose();
        targetBuffer.Dispose();
    }

    long Row(long sample) => (ulong)sample < (ulong)rows
        ? sample
        : throw new IndexOutOfRangeException($"the epoch order holds sample {sample}; the split has {rows} samples (0..{rows - 1})");

    void Prefetch(long row)
    {
        if (!Sse.IsSupported) return;   // BatchGather.For only picks this gather on x86; constructed directly it still copies right
        var features = featureSource + row * sourceRowBytes;
        for (long offset = 0; offset < sourceRowBytes; offset += CacheLine) Sse.Prefetch2(features + offset);
        Sse.Prefetch2(targetSource + row * targetRowBytes);
    }

    static long RowBytes(Tensor t) => TensorMemory.Bytes(t) / t.size(0);

    static Tensor BufferFor(Tensor source, long batchRows)
    {
        var shape = source.shape;   // a fresh array on every read
        shape[0] = batchRows;
        return empty(shape, source.dtype, source.device).DetachFromDisposeScope();
    }
}

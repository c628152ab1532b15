using System.Numerics;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Acceleration;

/// <summary>
/// Counts correct training predictions of a CPU run in managed code, reading each step's outputs where they lie: a
/// [batch, classes] argmax (or a sign test for a single output unit) over a few kilobytes the forward has just written,
/// against labels laid out once per epoch in the epoch's order. No kernel is launched and no tensor is made per step.
/// </summary>
/// <remarks>
/// <para>Why: every tensor operation on the training path costs microseconds of dispatch. On the Fashion-MNIST MLP at 2
/// threads, keeping each step's outputs (a detach per step) and counting them in bulk every 32 steps
/// (the harness's plain <c>DeviceTrainingAccuracy</c>) took 6-8 ms of a 0.75 s epoch, about one percent; this loop over 128 x 10
/// values takes 1 us per step alone and 2-3 ms per epoch inside training (where every call runs on cold caches).</para>
/// <para>The predictions are libtorch's: argmax takes the first maximum, and a NaN counts as the maximum (the first
/// NaN wins), as in ATen's CPU reduction; a single unit predicts class 1 when its output is above zero (NaN is not).
/// The tests compare the count with libtorch's on ties, signed zeros and NaNs.</para>
/// </remarks>
public sealed class HostTrainingAccuracy
{
    readonly long[] labels;
    readonly long[] epochLabels;
    readonly int outputs;
    long correct;

    /// <summary>Whether outputs of <paramref name="dtype"/> can be read here.</summary>
    public static bool Supports(ScalarType dtype) => dtype is ScalarType.Float32 or ScalarType.Float64;

    /// <summary>
    /// Copies the labels (any integer dtype, on the CPU) to the host once; the model has <paramref name="outputs"/>
    /// output units (1: a sign test).
    /// </summary>
    public HostTrainingAccuracy(int outputs, Tensor labels)
    {
        if (labels.device_type != DeviceType.CPU || labels.dim() != 1)
            throw new ArgumentException("the labels must be a 1-d CPU tensor", nameof(labels));
        using var wide = labels.to(ScalarType.Int64).contiguous();
        this.labels = MemoryMarshal.Cast<byte, long>(wide.bytes).ToArray();
        epochLabels = new long[this.labels.Length];
        this.outputs = outputs;
    }

    /// <summary>Starts counting an epoch whose samples are visited in <paramref name="epochOrder"/> (int64, on the CPU).</summary>
    public void Start(Tensor epochOrder)
    {
        if (epochOrder.device_type != DeviceType.CPU || epochOrder.dtype != ScalarType.Int64 || epochOrder.dim() != 1 || epochOrder.size(0) != labels.Length)
            throw new ArgumentException($"the epoch order must be a 1-d int64 CPU tensor of the split's {labels.Length} samples", nameof(epochOrder));
        using var contiguous = epochOrder.contiguous();
        var order = MemoryMarshal.Cast<byte, long>(contiguous.bytes);
        for (int i = 0; i < order.Length; i++)
        {
            var sample = order[i];
            epochLabels[i] = (ulong)sample < (ulong)labels.Length
                ? labels[sample]
                : throw new ArgumentException(
                    $"the epoch order holds sample {sample}; the split has {labels.Length} samples (0..{labels.Length - 1})", nameof(epochOrder));
        }
        correct = 0;
    }

    /// <summary>Adds a step's raw outputs, for the <paramref name="count"/> samples at positions [start, start + count) of the epoch's order.</summary>
    public void Add(Tensor raw, long start, long count)
    {
        if (start < 0 || count < 0 || start + count > epochLabels.Length)
            throw new ArgumentOutOfRangeException(nameof(start), start,
                $"positions [{start}, {start + count}) are outside the epoch's {epochLabels.Length} samples");
        // Each property read is a call into libtorch (a third of a microsecond): the dtype once, the bytes (which check
        // contiguity and the device themselves) once. The step's dispose scope takes the copy a non-contiguous output
        // would need; a model's linear head never makes one.
        var values = raw.is_contiguous() ? raw : raw.contiguous();
        var expected = epochLabels.AsSpan((int)start, (int)count);
        correct += values.dtype switch
        {
            ScalarType.Float32 => CountCorrect(MemoryMarshal.Cast<byte, float>(values.bytes), outputs, expected),
            ScalarType.Float64 => CountCorrect(MemoryMarshal.Cast<byte, double>(values.bytes), outputs, expected),
            var other => throw new ArgumentException($"host accuracy reads float32 or float64 outputs, not {other}", nameof(raw)),
        };
    }

    /// <summary>Correct predictions among the epoch's samples added so far.</summary>
    public long Correct() => correct;

    /// <summary>Rows of <paramref name="outputs"/> values whose predicted class equals the row's label.</summary>
    static long CountCorrect<T>(ReadOnlySpan<T> values, int outputs, ReadOnlySpan<long> expected) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (values.Length != expected.Length * outputs)
            throw new ArgumentException($"expected outputs for {expected.Length} samples x {outputs} units, got {values.Length} values");
        long hits = 0;
        if (outputs == 1)
        {
            for (int i = 0; i < expected.Length; i++)
                if ((values[i] > T.Zero ? 1L : 0L) == expected[i]) hits++;
            return hits;
        }
        for (int i = 0; i < expected.Length; i++)
        {
            var row = values.Slice(i * outputs, outputs);
            int best = 0;
            var max = row[0];
            if (!T.IsNaN(max))
                for (int j = 1; j < row.Length; j++)
                {
                    var v = row[j];
                    if (T.IsNaN(v)) { best = j; break; }
                    if (v > max) { best = j; max = v; }
                }
            if (best == expected[i]) hits++;
        }
        return hits;
    }
}

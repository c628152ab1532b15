using static TorchSharp.torch;

namespace Harness.Validation.TrainingParity;

/// <summary>One mini-batch of a parity run: its features, and its targets as host arrays (each problem encodes them).</summary>
/// <param name="Features">float32 [B, columns].</param>
/// <param name="Classes">Class index per row (classification), else null.</param>
/// <param name="Values">Standardized real target per row (regression), else null.</param>
/// <param name="ClassCount">Classes of the data set (0 for regression).</param>
internal sealed record ParityBatch(Tensor Features, long[]? Classes, float[]? Values, int ClassCount)
{
    /// <summary>Rows in the batch.</summary>
    public int Size => (int)Features.size(0);

    /// <summary>The batch's rows of <paramref name="data"/> (tensors belong to the caller's dispose scope).</summary>
    public static ParityBatch Of(ParityData data, int[] rows)
    {
        using var index = tensor(rows.Select(r => (long)r).ToArray());
        return new ParityBatch(data.Features.index_select(0, index),
            data.Classes is { } c ? rows.Select(r => c[r]).ToArray() : null,
            data.Values is { } v ? rows.Select(r => v[r]).ToArray() : null,
            data.ClassCount);
    }

    /// <summary>The class indices as int64 [B].</summary>
    public Tensor ClassTensor() => tensor(Classes!);

    /// <summary>One-hot rows [B, C] scaled to <c>on</c> / <c>off</c> (float32).</summary>
    public Tensor OneHot(float on = 1, float off = 0)
    {
        var data = new float[Size * ClassCount];
        Array.Fill(data, off);
        for (int i = 0; i < Size; i++) data[i * ClassCount + Classes![i]] = on;
        return tensor(data, [Size, ClassCount]);
    }

    /// <summary>The regression targets as float32 [B].</summary>
    public Tensor ValueTensor() => tensor(Values!);
}

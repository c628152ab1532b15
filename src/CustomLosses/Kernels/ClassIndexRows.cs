using TorchSharp;
using static TorchSharp.torch;

namespace CustomLosses.Kernels;

/// <summary>
/// The per-row bookkeeping the class-index kernels (cross-entropy, NLL) share: which rows count, a gather index
/// that is valid for ignored rows too, each row's class weight, and the per-row gradient coefficients.
/// </summary>
internal static class ClassIndexRows
{
    /// <summary>
    /// keep: <c>y != ignore_index</c> [N]; safe: the target with ignored rows pointing at class 0, as [N, 1] for
    /// gather/scatter; wy: <c>w[y]</c> for kept rows and 0 for ignored ones (1 per kept row without weights).
    /// </summary>
    public static (Tensor Keep, Tensor Safe, Tensor Wy) Of(Tensor x, Tensor y, Tensor? w, long ignore)
    {
        var keep = y.ne(CachedScalars.Of(ignore));
        var safe = y.masked_fill(keep.logical_not(), CachedScalars.Of(0L)).unsqueeze(1);
        var wy = w is null ? keep.to(x.dtype) : where(keep, w.take(safe.squeeze(1)), LossFunction.Zero(x));
        return (keep, safe, wy);
    }

    /// <summary>
    /// <c>c_i = w[y_i] g_i</c> (over <c>sum w[y]</c> for the mean; g is a scalar for mean/sum and [N] for none), 0 for
    /// ignored rows even when the weight sum is 0, as [N, 1].
    /// </summary>
    public static Tensor Coefficients(Tensor gradOutput, nn.Reduction reduction, Tensor wy, Tensor keep, Tensor den)
    {
        var c = reduction == nn.Reduction.Mean ? wy * (gradOutput / den) : wy * gradOutput;
        return where(keep, c, LossFunction.Zero(c)).unsqueeze(1);
    }

    /// <summary>Per-row losses reduced: none as they are, sum, or the mean over the weight sum <c>sum w[y]</c> (PyTorch's weighted mean).</summary>
    public static Tensor Reduce(Tensor perSample, nn.Reduction reduction, Tensor den) => reduction switch
    {
        nn.Reduction.None => perSample,
        nn.Reduction.Sum => perSample.sum(),
        _ => perSample.sum() / den,
    };
}

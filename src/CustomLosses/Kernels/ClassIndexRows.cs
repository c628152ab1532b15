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

    /// <summary>
    /// True when every row counts with weight 1: no class weights, every target a class, and an ignore_index that is not
    /// one. The kernels then skip the keep mask, the gather index and the per-row weights (about ten kernels, a quarter of a
    /// 128 x 10 call); their arithmetic is the general path's with every weight 1 and every row kept (<c>1 * v</c> and
    /// <c>where(true, v, 0)</c> are exact, and <c>sum w[y]</c> is exactly N), so both paths give the same bits.
    /// </summary>
    public static bool EveryRowCounts(Tensor? w, bool everyTargetAClass, long ignore, long classes) =>
        w is null && everyTargetAClass && !(ignore >= 0 && ignore < classes);

    /// <summary>Saves what <see cref="SavedCoefficients"/> reads back: the reduction and whether every row counts.</summary>
    public static void SaveReduction(torch.autograd.AutogradContext ctx, nn.Reduction reduction, bool everyRow)
    {
        ctx.save_data("r", reduction);
        ctx.save_data("every", everyRow);
    }

    /// <summary>
    /// The backward coefficients after <see cref="SaveReduction"/>: <see cref="EveryRowCoefficients"/> when every row
    /// counts, else <see cref="Coefficients(Tensor, nn.Reduction, Tensor, Tensor, Tensor)"/> from wy, keep and den saved
    /// at <paramref name="saved"/>[<paramref name="first"/>..].
    /// </summary>
    public static Tensor SavedCoefficients(torch.autograd.AutogradContext ctx, Tensor gradOutput, long rows, IList<Tensor> saved, int first)
    {
        var reduction = (nn.Reduction)ctx.get_data("r");
        return (bool)ctx.get_data("every")
            ? EveryRowCoefficients(gradOutput, reduction, rows)
            : Coefficients(gradOutput, reduction, saved[first], saved[first + 1], saved[first + 2]);
    }

    /// <summary>Per-row losses reduced when every row counts: none as they are, sum, or the sum over N.</summary>
    public static Tensor ReduceEveryRow(Tensor perSample, nn.Reduction reduction) => reduction switch
    {
        nn.Reduction.None => perSample,
        nn.Reduction.Sum => perSample.sum(),
        _ => perSample.sum().div_(CachedScalars.Of((double)perSample.size(0))),
    };

    /// <summary>The coefficients when every row counts: g (over N for the mean) as a 0-d tensor, or g [N] as [N, 1] for none.</summary>
    public static Tensor EveryRowCoefficients(Tensor gradOutput, nn.Reduction reduction, long rows) => reduction switch
    {
        nn.Reduction.None => gradOutput.unsqueeze(1),
        nn.Reduction.Sum => gradOutput,
        _ => gradOutput.div(CachedScalars.Of((double)rows)),
    };

    /// <summary>Per-row losses reduced: none as they are, sum, or the mean over the weight sum <c>sum w[y]</c> (PyTorch's weighted mean).</summary>
    public static Tensor Reduce(Tensor perSample, nn.Reduction reduction, Tensor den) => reduction switch
    {
        nn.Reduction.None => perSample,
        nn.Reduction.Sum => perSample.sum(),
        _ => perSample.sum() / den,
    };
}

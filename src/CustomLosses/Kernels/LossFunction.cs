using TorchSharp;
using static TorchSharp.torch;

namespace CustomLosses.Kernels;

/// <summary>
/// Helpers shared by the hand-written autograd functions (<c>torch.autograd.SingleTensorFunction</c>)
/// behind the fast paths of the common losses.
/// </summary>
/// <remarks>
/// <para>Why these exist: a loss composed from tensor operations makes autograd save every intermediate
/// and run one backward kernel per operation, each allocating and touching a full-size tensor. A function
/// with a hand-derived backward saves its inputs, reduces with a single pass and writes the gradient in one
/// or two passes.</para>
/// <para>Rules every function here follows, each learned the hard way:</para>
/// <list type="bullet">
/// <item>No temporary scalars: every number goes through <see cref="CachedScalars"/> (see there: a finalized
/// temporary crashed a training run inside the NLL kernel).</item>
/// <item>Nothing may throw in <c>backward</c>: TorchSharp calls it from libtorch's autograd engine through a native
/// callback, and a managed exception cannot unwind through those frames on Linux. Every check happens in the loss's
/// <c>forward</c>, before the function is applied.</item>
/// <item>Double backward works: under <c>backward(create_graph: true)</c> (grad mode on inside <c>backward</c>) the
/// gradient is recomputed from the saved inputs, which carry their history, with out-of-place operations, so a
/// second derivative through it is exact; intermediates computed in <c>forward</c> have no history and are used only
/// on the first-order path.</item>
/// </list>
/// </remarks>
internal static class LossFunction
{
    /// <summary>The scale a mean or sum reduction puts on each element's gradient: g / n or g, as a 0-d tensor.</summary>
    public static Tensor Scale(Tensor gradOutput, nn.Reduction reduction, long count) =>
        reduction == nn.Reduction.Mean ? gradOutput.div(CachedScalars.Of((double)count)) : gradOutput;

    /// <summary>Divides a summed loss by the element count for the mean reduction.</summary>
    public static Tensor Finish(Tensor sum, nn.Reduction reduction, long count) =>
        reduction == nn.Reduction.Mean ? sum.div_(CachedScalars.Of((double)count)) : sum;

    /// <summary>
    /// True when two tensors can take an element-wise fast path: same shape, same floating dtype, same device
    /// (no broadcasting: the composed path handles that), and a mean or sum reduction.
    /// </summary>
    public static bool ElementWise(Tensor input, Tensor target, nn.Reduction reduction) =>
        reduction != nn.Reduction.None
        && Floating(input) && target.dtype == input.dtype
        && input.device_type == target.device_type && input.device_index == target.device_index   // Device has no value equality
        && TensorShape.Same(input, target);

    /// <summary>True for the floating dtypes the class-index kernels take (float32 and float64).</summary>
    public static bool Floating(Tensor input) => input.dtype == ScalarType.Float32 || input.dtype == ScalarType.Float64;

    /// <summary>
    /// What an element-wise (input, target) function's backward needs: the tensors to save (input and target first), the
    /// reduction, and which of input and target require grad (read in <see cref="InputAndTarget"/>).
    /// </summary>
    public static void SaveElementWise(torch.autograd.AutogradContext ctx, nn.Reduction reduction, List<Tensor> tensors)
    {
        ctx.save_for_backward(tensors);
        ctx.save_data("r", reduction);
        ctx.save_data("gx", tensors[0].requires_grad);
        ctx.save_data("gt", tensors[1].requires_grad);
    }

    /// <summary>The reduction <see cref="SaveElementWise"/> saved.</summary>
    public static nn.Reduction SavedReduction(torch.autograd.AutogradContext ctx) => (nn.Reduction)ctx.get_data("r");

    /// <summary>
    /// The gradient list for (input, target, scalars...) after <see cref="SaveElementWise"/>: the input's, the negated one
    /// for the target if it requires grad, then a null per non-tensor argument.
    /// </summary>
    public static List<Tensor> InputAndTarget(torch.autograd.AutogradContext ctx, Tensor gradInput, int extra)
    {
        var grads = new List<Tensor> { (bool)ctx.get_data("gx") ? gradInput : null!, (bool)ctx.get_data("gt") ? gradInput.neg() : null! };
        for (int i = 0; i < extra; i++) grads.Add(null!);
        return grads;
    }

    /// <summary>A one-element zero of <paramref name="like"/>'s dtype and device, for <c>where</c> masks.</summary>
    public static Tensor Zero(Tensor like) => zeros(1, dtype: like.dtype, device: like.device);
}

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
/// with a hand-derived backward saves one tensor, reduces with a single pass (<c>dot</c>, <c>logsumexp</c>,
/// <c>sum</c>) and writes the gradient in one or two passes.</para>
/// <para>Their backward is written for first-order gradients: it refuses to run while grad mode is on
/// (that is, under <c>backward(create_graph: true)</c>), because the tensors it saved were computed without
/// history and a second derivative through them would be silently wrong. Nothing in this project takes
/// second derivatives of a loss; the composed code path (taken for the options the fast paths leave
/// out) still supports them.</para>
/// </remarks>
internal static class LossFunction
{
    /// <summary>Throws when a backward is asked to build a graph (double backward).</summary>
    public static void FirstOrderOnly(string name)
    {
        if (is_grad_enabled())
            throw new NotSupportedException(
                $"{name}: the fused loss kernel supports first-order gradients only; backward(create_graph: true) through it is not supported.");
    }

    /// <summary>The scale a mean or sum reduction puts on each element's gradient: g / n or g, as a 0-d tensor.</summary>
    public static Tensor Scale(Tensor gradOutput, nn.Reduction reduction, long count) =>
        reduction == nn.Reduction.Mean ? gradOutput / (double)count : gradOutput;

    /// <summary>Divides a summed loss by the element count for the mean reduction.</summary>
    public static Tensor Finish(Tensor sum, nn.Reduction reduction, long count) =>
        reduction == nn.Reduction.Mean ? sum.div_((double)count) : sum;

    /// <summary>
    /// True when two tensors can take an element-wise fast path: same shape, same floating dtype, same device
    /// (no broadcasting: the composed path handles that), and a mean or sum reduction.
    /// </summary>
    public static bool ElementWise(Tensor input, Tensor target, nn.Reduction reduction) =>
        reduction != nn.Reduction.None
        && (input.dtype == ScalarType.Float32 || input.dtype == ScalarType.Float64) && target.dtype == input.dtype
        && input.device_type == target.device_type && input.device_index == target.device_index   // Device has no value equality
        && input.shape.SequenceEqual(target.shape);

    /// <summary>The gradient list for (input, target, scalars...): the input's, the negated one for the target if it needs it, then nulls.</summary>
    public static List<Tensor> InputAndTarget(Tensor gradInput, bool inputNeedsGrad, bool targetNeedsGrad, int extra)
    {
        var grads = new List<Tensor> { inputNeedsGrad ? gradInput : null!, targetNeedsGrad ? gradInput.neg() : null! };
        for (int i = 0; i < extra; i++) grads.Add(null!);
        return grads;
    }
}

using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Models;

/// <summary>
/// The first layer of the CNN: hands on an image batch <c>[N, C, H, W]</c> with the same values and shape, laid out
/// channels-last in memory (strides <c>[H W C, 1, W C, C]</c>, PyTorch's <c>memory_format=torch.channels_last</c>), so that
/// every convolution, ReLU and max-pool after it runs libtorch's channels-last CPU kernels. It has no parameters, so
/// the model's weights, state_dict names and seeded initialization are those of the same network without it.
/// </summary>
/// <remarks>
/// <para>Why: libtorch's CPU max-pool forward on contiguous NCHW batches is the slowest kernel of the small CNN.
/// Measured at 2 threads, batch 128, libtorch 2.10: max-pool 2 forward over [128, 32, 28, 28] took 10.8 ms NCHW and
/// 1.65 ms channels-last, over [128, 64, 14, 14] 6.0 ms and 0.39 ms; a whole training step (forward, backward, Adam)
/// took 0.78-0.83x as long channels-last as NCHW, paired step by step over 300 steps, its forward 28-31 ms against
/// 11-12 ms. <c>Flatten</c> after the last pool copies back to NCHW order, so the dense layers see the features in
/// the order they would without this layer.</para>
/// <para>A batch with one channel is re-strided without a copy (for C = 1 both layouts hold the same bytes, but
/// libtorch reads contiguous strides as NCHW, and <c>contiguous()</c> cannot tell them apart); more channels are
/// permuted into a new buffer, one pass. Only CPU batches are changed: on CUDA the layout is cuDNN's choice, and
/// unmeasured here.</para>
/// </remarks>
public sealed class ChannelsLastLayout : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates the layer.</summary>
    public ChannelsLastLayout() : base(nameof(ChannelsLastLayout)) { }

    /// <summary>
    /// <paramref name="images"/> <c>[N, C, H, W]</c> laid out channels-last on CPU; any other input is returned as a new
    /// handle to the same tensor (<c>Sequential</c> disposes what each layer returns).
    /// </summary>
    public override Tensor forward(Tensor images)
    {
        if (images.dim() != 4 || images.device_type != DeviceType.CPU) return images.alias();
        long c = images.size(1), h = images.size(2), w = images.size(3);
        if (c == 1 && images.is_contiguous())
            return images.as_strided([images.size(0), 1, h, w], [h * w, 1, w, 1], images.storage_offset());
        return images.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
    }
}

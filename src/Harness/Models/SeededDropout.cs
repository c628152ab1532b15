using CustomLosses;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Models;

/// <summary>
/// Dropout (<c>nn.Dropout</c>) whose masks come from a generator the run owns instead of libtorch's process-wide one,
/// so that runs training at the same time in one process draw the masks each would draw alone. In training it computes
/// what libtorch's CPU dropout computes, from the same stream: a Bernoulli(1 - p) mask divided by 1 - p, times the
/// input; a generator seeded with s gives the bits <c>manual_seed(s)</c> then <c>nn.Dropout</c> gives (tested).
/// </summary>
/// <remarks>
/// Without a generator, and on other devices (libtorch's CUDA dropout is a fused kernel on the CUDA generator), it is
/// <c>nn.Dropout</c>.
/// </remarks>
public sealed class SeededDropout : nn.Module<Tensor, Tensor>
{
    readonly double p;
    readonly Scalar keep;

    /// <summary>Dropout with drop probability <paramref name="p"/>, in [0, 1).</summary>
    public SeededDropout(double p) : base(nameof(SeededDropout))
    {
        if (p is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(p), p, "dropout must be in [0, 1)");
        this.p = p;
        keep = CachedScalars.Of(1 - p);
    }

    /// <summary>Where the masks come from; null: libtorch's process-wide generator.</summary>
    public Generator? Generator { get; set; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        if (!training || Generator is null || input.device_type != DeviceType.CPU || input.numel() == 0)
            return nn.functional.dropout(input, p, training);
        using var mask = empty_like(input).bernoulli_(1 - p, Generator);
        mask.div_(keep);
        return input.mul(mask);
    }
}

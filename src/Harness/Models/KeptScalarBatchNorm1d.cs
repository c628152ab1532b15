using CustomLosses;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Harness.Models;

/// <summary>
/// <c>nn.BatchNorm1d</c> whose training forward counts its batches with a kept scalar: TorchSharp 0.107's
/// <c>num_batches_tracked.add_(1)</c> hands libtorch a temporary scalar on every training step, which a garbage collection
/// on another thread can free inside the call (docs/losses.md, "TorchSharp's temporary scalars"). Otherwise it is
/// TorchSharp's module: the same parameters, buffers and state-dict keys, the same <c>batch_norm</c> call (tested bit for
/// bit against <c>nn.BatchNorm1d</c>, values and gradients, in training and evaluation).
/// </summary>
public sealed class KeptScalarBatchNorm1d : BatchNorm
{
    /// <summary>Batch normalization over <paramref name="features"/> features, with TorchSharp's defaults.</summary>
    public KeptScalarBatchNorm1d(long features, double eps = 1e-5, double momentum = 0.1)
        : base(features, eps, momentum, affine: true, track_running_stats: true, device: null, dtype: null, name: "BatchNorm1d")
    {
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        ValidateInputDimensions(input);
        double factor = momentum ?? 0.0;
        if (training && track_running_stats && num_batches_tracked is { } tracked)
        {
            tracked.add_(CachedScalars.One, CachedScalars.One);
            // Without a momentum, a cumulative average: TorchSharp's reading of the count.
            factor = momentum ?? 1.0 / HostValue.Read<long>(tracked);
        }
        bool useBatchStatistics = training || (running_mean is null && running_var is null);
        bool useRunning = !training || track_running_stats;
        return nn.functional.batch_norm(input, useRunning ? running_mean : null, useRunning ? running_var : null, weight, bias,
            useBatchStatistics, factor, eps);
    }

    /// <inheritdoc />
    protected override void ValidateInputDimensions(Tensor input)
    {
        if (input.dim() is not (2 or 3)) throw new ArgumentException($"expected 2D or 3D input, but got {input.dim()}D input.");
    }
}

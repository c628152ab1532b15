using CustomLosses;
using Harness.Losses;
using static TorchSharp.torch;

namespace Harness.Training;

/// <summary>Application of a <see cref="TargetEncodingKind"/> (the enum and its spellings live in <see cref="TargetEncodings"/>).</summary>
public static class TargetEncodingTensors
{
    /// <summary>
    /// Encodes a whole split's targets once (batches then index-select rows), in <paramref name="dtype"/> for
    /// the floating encodings.
    /// </summary>
    public static Tensor Encode(this TargetEncodingKind e, Tensor targets, int classCount, ScalarType dtype) => e switch
    {
        TargetEncodingKind.Index => targets.to(ScalarType.Int64),
        TargetEncodingKind.OneHot => nn.functional.one_hot(targets.to(ScalarType.Int64), classCount).to(dtype),
        TargetEncodingKind.PlusMinusOne => (targets.to(dtype) * CachedScalars.Of(2L)).sub(CachedScalars.Of(1L)),   // kept scalars: see CachedScalars
        TargetEncodingKind.ZeroOne => targets.to(dtype),
        TargetEncodingKind.Real => targets.to(dtype),
        TargetEncodingKind.IndexList => cat([targets.to(ScalarType.Int64).unsqueeze(1),
            full(targets.shape[0], Math.Max(classCount - 1, 0), CachedScalars.Of(-1L), dtype: ScalarType.Int64, device: targets.device)], 1),
        _ => throw new ArgumentOutOfRangeException(nameof(e)),
    };
}

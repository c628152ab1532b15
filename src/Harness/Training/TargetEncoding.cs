using CustomLosses;
using static TorchSharp.torch;

namespace Harness.Training;

/// <summary>How class-index (or real) targets are turned into what a loss expects.</summary>
public enum TargetEncodingKind
{
    /// <summary>int64 class index [N].</summary>
    Index,
    /// <summary>float one-hot [N, C].</summary>
    OneHot,
    /// <summary>float {-1, +1} [N] for two classes (class 1 is +1).</summary>
    PlusMinusOne,
    /// <summary>float {0, 1} [N] for two classes.</summary>
    ZeroOne,
    /// <summary>float real values [N] (regression).</summary>
    Real,
    /// <summary>int64 [N, C]: the class index, then -1 padding (MultiLabelMargin).</summary>
    IndexList,
}

/// <summary>Parsing and application of <see cref="TargetEncodingKind"/>.</summary>
public static class TargetEncodings
{
    /// <summary>The config spellings.</summary>
    public static readonly string[] Names = ["index", "one-hot", "plus-minus-one", "zero-one", "real", "index-list"];

    /// <summary>Parses a config value (case-insensitive).</summary>
    public static TargetEncodingKind Parse(string value) => value.Trim().ToLowerInvariant() switch
    {
        "index" => TargetEncodingKind.Index,
        "one-hot" => TargetEncodingKind.OneHot,
        "plus-minus-one" => TargetEncodingKind.PlusMinusOne,
        "zero-one" => TargetEncodingKind.ZeroOne,
        "real" => TargetEncodingKind.Real,
        "index-list" => TargetEncodingKind.IndexList,
        _ => throw new ExperimentSetupException($"targetEncoding '{value}' is not valid: use {string.Join(", ", Names)}."),
    };

    /// <summary>The config spelling.</summary>
    public static string Name(this TargetEncodingKind e) => Names[(int)e];

    /// <summary>True when the model has a single output unit under this encoding.</summary>
    public static bool IsSingleOutput(this TargetEncodingKind e) => e is TargetEncodingKind.PlusMinusOne or TargetEncodingKind.ZeroOne;

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

using static TorchSharp.torch;

namespace Harness.Data;

/// <summary>Classification (class-index targets) or regression (real targets).</summary>
public enum TaskKind
{
    /// <summary>Targets are int64 class indices in [0, ClassCount).</summary>
    Classification,
    /// <summary>Targets are real values (float32).</summary>
    Regression,
}

/// <summary>
/// One split held in memory as two tensors: features float32 [N, ...] and targets [N] (int64 class
/// indices, or float32 values for regression). Batches are index-selected from these.
/// </summary>
public sealed class DataSplit : IDisposable
{
    /// <summary>Takes ownership of the tensors (detached from any dispose scope).</summary>
    public DataSplit(Tensor features, Tensor targets)
    {
        if (features.shape[0] != targets.shape[0])
            throw new ArgumentException($"{features.shape[0]} feature rows but {targets.shape[0]} targets.");
        Features = features.DetachFromDisposeScope();
        Targets = targets.DetachFromDisposeScope();
    }

    /// <summary>Image features decoded from <paramref name="pixels"/> (of the features' shape). Takes ownership of everything.</summary>
    public DataSplit(Tensor features, Tensor targets, PixelCodes pixels) : this(features, targets)
    {
        if (!pixels.Bytes.shape.SequenceEqual(features.shape))
            throw new ArgumentException($"pixel codes must have the features' shape [{string.Join(", ", features.shape)}].", nameof(pixels));
        Pixels = pixels;
    }

    /// <summary>float32 [N, ...].</summary>
    public Tensor Features { get; }

    /// <summary>int64 [N] (classification) or float32 [N] (regression).</summary>
    public Tensor Targets { get; }

    /// <summary>For image features, the pixels they were decoded from (opaque: see <see cref="PixelCodes"/>); null otherwise.</summary>
    public PixelCodes? Pixels { get; }

    /// <summary>Number of samples.</summary>
    public long Count => Features.shape[0];

    /// <inheritdoc />
    public void Dispose()
    {
        Features.Dispose();
        Targets.Dispose();
        Pixels?.Dispose();
    }
}

/// <summary>
/// A dataset after loading, splitting, standardizing and corrupting: what training consumes.
/// Regression targets are standardized with training statistics; <see cref="TargetMean"/> and
/// <see cref="TargetStd"/> map predictions back to the original units for metrics.
/// </summary>
public sealed class PreparedData : IDisposable
{
    /// <summary>Dataset name (from the config).</summary>
    public required string Name { get; init; }
    /// <summary>Where the data came from (file paths, generator parameters).</summary>
    public required string Source { get; init; }
    /// <summary>Classification or regression.</summary>
    public required TaskKind Task { get; init; }
    /// <summary>Number of classes (0 for regression).</summary>
    public required int ClassCount { get; init; }
    /// <summary>Shape of one sample's features ([64], [1, 28, 28]...).</summary>
    public required long[] FeatureShape { get; init; }
    /// <summary>Training split (corrupted as configured).</summary>
    public required DataSplit Train { get; init; }
    /// <summary>
    /// Validation split: a seeded fraction of the training data; clean unless the config asks to corrupt it too
    /// (<see cref="ValidationCorrupted"/>).
    /// </summary>
    public required DataSplit Validation { get; init; }
    /// <summary>Test split (clean).</summary>
    public required DataSplit Test { get; init; }
    /// <summary>Mean of the raw training targets (regression; 0 otherwise).</summary>
    public double TargetMean { get; init; }
    /// <summary>Standard deviation of the raw training targets (regression; 1 otherwise).</summary>
    public double TargetStd { get; init; } = 1.0;
    /// <summary>The seed that drew the split and corruption.</summary>
    public int DataSeed { get; init; }
    /// <summary>The validation split carries the training split's corruptions (config dataset.corruption.validation = corrupted).</summary>
    public bool ValidationCorrupted { get; init; }
    /// <summary>Human-readable notes: split sizes, corruptions applied and how many samples they touched.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <inheritdoc />
    public void Dispose()
    {
        Train.Dispose();
        Validation.Dispose();
        Test.Dispose();
    }
}

using Harness.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Training;

/// <summary>A dataset's splits on the training device, with the regression target scale.</summary>
public sealed class DeviceData : IDisposable
{
    /// <summary>
    /// Copies every split to <paramref name="device"/> once; on the CPU the training features (and the pixel codes image
    /// features were decoded from) through <paramref name="paths"/> (plain copies when null): batches read those in random rows.
    /// </summary>
    /// <remarks>
    /// Always a copy, even on the CPU: the loader may wrap pinned managed arrays, whose alignment differs from
    /// process to process, and MKL's kernels round differently on differently aligned inputs. libtorch's own
    /// allocations are 64-byte aligned, which keeps CPU runs bit-reproducible across processes.
    /// </remarks>
    public DeviceData(PreparedData data, Device device, ITrainingPaths? paths = null)
    {
        paths ??= PlainTrainingPaths.Instance;
        Data = data;
        static Tensor Copy(Tensor t, Device d) => t.to(d, copy: true).contiguous().DetachFromDisposeScope();
        bool cpu = device.type == DeviceType.CPU;
        TrainFeatures = cpu ? paths.CopyTrainingRows(data.Train.Features) : Copy(data.Train.Features, device);
        TrainTargets = Copy(data.Train.Targets, device);
        // Opaque here: a batch source may read these bytes instead of the floats (a quarter of the memory).
        if (cpu && data.Train.Pixels is { } pixels)
            TrainPixels = new PixelCodes(paths.CopyTrainingRows(pixels.Bytes), pixels.Lookup);
        ValidationFeatures = Copy(data.Validation.Features, device);
        ValidationTargets = Copy(data.Validation.Targets, device);
        TestFeatures = Copy(data.Test.Features, device);
        TestTargets = Copy(data.Test.Targets, device);
    }

    /// <summary>The data on the CPU (names, sizes, target scale).</summary>
    public PreparedData Data { get; }
    /// <summary>Training features.</summary>
    public Tensor TrainFeatures { get; }
    /// <summary>Training targets (class indices or standardized values).</summary>
    public Tensor TrainTargets { get; }
    /// <summary>On the CPU, for image data: the pixels <see cref="TrainFeatures"/> were decoded from; null otherwise.</summary>
    public PixelCodes? TrainPixels { get; }
    /// <summary>Validation features.</summary>
    public Tensor ValidationFeatures { get; }
    /// <summary>Validation targets.</summary>
    public Tensor ValidationTargets { get; }
    /// <summary>Test features.</summary>
    public Tensor TestFeatures { get; }
    /// <summary>Test targets.</summary>
    public Tensor TestTargets { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var t in new[] { TrainFeatures, TrainTargets, ValidationFeatures, ValidationTargets, TestFeatures, TestTargets }) t.Dispose();
        TrainPixels?.Dispose();
    }
}

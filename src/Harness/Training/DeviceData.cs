using Harness.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Training;

/// <summary>A dataset's splits on the training device, with the regression target scale.</summary>
public sealed class DeviceData : IDisposable
{
    /// <summary>Copies every split to <paramref name="device"/> once.</summary>
    /// <remarks>
    /// Always a copy, even on the CPU: the loader may wrap pinned managed arrays, whose alignment differs from
    /// process to process, and MKL's kernels round differently on differently aligned inputs. libtorch's own
    /// allocations are 64-byte aligned, which keeps CPU runs bit-reproducible across processes.
    /// </remarks>
    public DeviceData(PreparedData data, Device device)
    {
        Data = data;
        static Tensor Copy(Tensor t, Device d) => t.to(d, copy: true).contiguous().DetachFromDisposeScope();
        // Mini-batches read the training features in random rows: see TransparentHugePages for why and what it gains.
        TrainFeatures = device.type == DeviceType.CPU ? TransparentHugePages.Copy(data.Train.Features) : Copy(data.Train.Features, device);
        TrainTargets = Copy(data.Train.Targets, device);
        // The bytes the training images were decoded from: the CPU gather reads these, a quarter of the floats' memory.
        if (device.type == DeviceType.CPU && data.Train.Pixels is { } pixels)
            TrainPixels = new PixelCodes(TransparentHugePages.Copy(pixels.Bytes), pixels.Lookup);
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

using Harness.Data;
using Harness.Experiments;
using Harness.Training;
using static TorchSharp.torch;

/// <summary>
/// A grid's data, loaded once: each seed's prepared splits (the harness's own loader: each seed draws its own split) on the
/// CPU through the harness's accelerated paths, one loss binding per loss entry, and for the stacked model every seed's
/// training rows one after another (features, and the targets in each loss's encoding).
/// </summary>
sealed class GridData : IDisposable
{
    public GridData(GridShape shape)
    {
        Shape = shape;
        foreach (var seed in shape.Seeds)
        {
            var prepared = DatasetLoader.Load(shape.Dataset, Environment.CurrentDirectory, seed);
            Prepared.Add(prepared);
            Devices.Add(new DeviceData(prepared, CPU, TrainingAccelerators.Instance));
        }
        var first = Prepared[0];
        Samples = first.Train.Count;
        if (Prepared.Any(p => p.Train.Count != Samples))
            throw new InvalidOperationException("The seeds' training splits differ in size: a stack needs one step count.");
        Bindings = [.. shape.Losses.Select(l => LossBinding.Create(l, first.Task, first.ClassCount))];
        StackedFeatures = cat(Prepared.Select(p => p.Train.Features.reshape(Samples, -1)).ToList(), 0).DetachFromDisposeScope();
        var dtype = StackedFeatures.dtype;
        StackedTargets = [.. Bindings.Select(b => cat(Prepared.Select(p => b.Encoding.Encode(p.Train.Targets, b.ClassCount, dtype)).ToList(), 0)
            .DetachFromDisposeScope())];
    }

    public GridShape Shape { get; }
    public List<PreparedData> Prepared { get; } = [];
    public List<DeviceData> Devices { get; } = [];
    public LossBinding[] Bindings { get; }

    /// <summary>Training rows per seed.</summary>
    public long Samples { get; }

    /// <summary>Every seed's training features, [seeds x samples, features].</summary>
    public Tensor StackedFeatures { get; }

    /// <summary>Per loss entry: every seed's training targets in that loss's encoding, seed after seed.</summary>
    public Tensor[] StackedTargets { get; }

    public int StepsPerEpoch => Shape.StepsPerEpoch(Samples);

    /// <summary>Where seed <paramref name="seed"/>'s data sits in <see cref="Prepared"/>, <see cref="Devices"/> and the stacked rows.</summary>
    public int SeedIndex(int seed) => Array.IndexOf(Shape.Seeds, seed);

    public void Dispose()
    {
        StackedFeatures.Dispose();
        foreach (var t in StackedTargets) t.Dispose();
        foreach (var b in Bindings) b.Module.Dispose();
        foreach (var d in Devices) d.Dispose();
        foreach (var p in Prepared) p.Dispose();
    }
}

using Harness.Acceleration;
using Harness.Config;
using Harness.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Harness.Experiments;

/// <summary>
/// The training paths the runner plugs into the trainer: the fast implementations of the Harness.Acceleration project
/// where they apply, the plain ones (<see cref="PlainTrainingPaths"/>) where they do not. Every fast path trains the
/// same bits as the plain one it replaces (tests/Harness.Tests/Acceleration): the choice changes speed only.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Training copies on the CPU: huge-page backed (<see cref="TransparentHugePages"/>).</item>
/// <item>Batches of contiguous CPU data on x86: <see cref="AdaptiveGather"/> (a prefetching row copy, decoding image
/// rows from their pixel bytes where the CPU has AVX-512 VBMI, or index_select, whichever is faster as it goes).</item>
/// <item>Steps: one contiguous parameter buffer, with the fused Adam/AdamW step where it proves bit-identical
/// (<see cref="FlatParameterStepper"/>).</item>
/// <item>Training accuracy of float CPU outputs: counted in managed code (<see cref="HostTrainingAccuracy"/>).</item>
/// <item>Checkpoint streams: reused once a store has written them (<see cref="CheckpointBuffers"/>); the writer thread at
/// idle scheduling priority (<see cref="IdleBackgroundThread"/>).</item>
/// </list>
/// </remarks>
public sealed class TrainingAccelerators : PlainTrainingPaths
{
    /// <summary>The accelerated paths.</summary>
    public static new TrainingAccelerators Instance { get; } = new();

    /// <inheritdoc />
    public override Tensor CopyTrainingRows(Tensor source) => TransparentHugePages.Copy(source);

    /// <inheritdoc />
    public override IBatchSource Batches(DeviceData data, Tensor targets, int batchSize)
    {
        var pixels = data.TrainPixels is { } p ? new PixelSource(p.Bytes, p.Lookup) : null;
        return BatchGather.TryCreate(data.TrainFeatures, targets, batchSize, pixels) is { } gather
            ? new GatherBatches(gather)
            : base.Batches(data, targets, batchSize);
    }

    /// <inheritdoc />
    public override IParameterStepper Stepper(nn.Module model, OptimizerConfig optimizer) =>
        FlatParameterStepper.TryCreate(model, parameters => OptimizerFactory.Create(optimizer, parameters)) is { } flat
            ? new FlatStepper(flat)
            : base.Stepper(model, optimizer);

    /// <inheritdoc />
    public override TrainingAccuracy Accuracy(LossBinding binding, Tensor labels, ScalarType outputType) =>
        labels.device_type == DeviceType.CPU && HostTrainingAccuracy.Supports(outputType)
            ? new HostAccuracy(new HostTrainingAccuracy(binding.Outputs, labels))
            : base.Accuracy(binding, labels, outputType);

    /// <inheritdoc />
    public override ICheckpointMemory CheckpointMemory() => new ReusedCheckpointMemory();

    /// <summary>
    /// Lowers the calling background thread (the checkpoint writer's) to idle scheduling where the OS allows
    /// (<see cref="IdleThreadPriority"/>), so it runs in the training threads' gaps.
    /// </summary>
    public static void IdleBackgroundThread() => IdleThreadPriority.LowerCurrentThread();

    /// <summary>A gather as the trainer's batch source.</summary>
    sealed class GatherBatches(BatchGather gather) : IBatchSource
    {
        public BatchGather Gather => gather;
        public void BeginEpoch(Tensor order) => gather.BeginEpoch(order);
        public (Tensor Features, Tensor Targets) Take(long start, long count) => gather.Take(start, count);
        public void Dispose() => gather.Dispose();
    }

    /// <summary>The flat-buffer stepper as the trainer's stepper.</summary>
    sealed class FlatStepper(FlatParameterStepper flat) : IParameterStepper
    {
        public optim.Optimizer Optimizer => flat.Optimizer;
        public IReadOnlyList<Parameter> Parameters => flat.Parameters;
        public void ZeroGrad() => flat.ZeroGrad();
        public void Step() => flat.Step();
        public void EndEpoch() => flat.EnsureIntact();
        public void Dispose() => flat.Dispose();
    }

    /// <summary>The managed count as the trainer's accuracy count.</summary>
    sealed class HostAccuracy(HostTrainingAccuracy host) : TrainingAccuracy
    {
        public override void Start(Tensor epochOrder) => host.Start(epochOrder);
        public override void Add(Tensor raw, long start, long count) => host.Add(raw, start, count);
        public override long Correct() => host.Correct();
    }

    /// <summary>The reused buffers as the trainer's checkpoint memory.</summary>
    sealed class ReusedCheckpointMemory : ICheckpointMemory
    {
        readonly CheckpointBuffers buffers = new();
        public MemoryStream Rent(int sizeHint) => buffers.Rent(sizeHint);
        public void Return(MemoryStream stream) => buffers.Return(stream);
    }
}

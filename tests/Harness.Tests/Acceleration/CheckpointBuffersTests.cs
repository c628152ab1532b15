using System.Runtime.InteropServices;
using Harness.Acceleration;
using Harness.Config;
using Harness.Data;
using Harness.Experiments;
using Harness.Models;
using Harness.Training;
using Xunit;
using static TorchSharp.torch;

namespace Harness.Tests.Acceleration;

/// <summary>
/// The trainer serializes every epoch's checkpoint into buffers it reuses once a store has written them
/// (<see cref="CheckpointBuffers"/>): each stored checkpoint still holds its own epoch's state, stores dispose a
/// checkpoint once and only after its bytes are copied, and the buffers really are reused.
/// </summary>
public class CheckpointBuffersTests
{
    /// <summary>
    /// The trainer and a store that falls behind, in lockstep: the store holds each checkpoint k until the trainer has
    /// finished epoch k + 3 (so later checkpoints are captured, and rent buffers, while it holds this one), and the
    /// trainer does not end epoch e before the store has taken a checkpoint of epoch e - 3 or later. So checkpoints k + 1
    /// and k + 2 are both captured while the store holds k, and the writer, which keeps only the newest waiting one, skips
    /// k + 1 however the threads are scheduled. Neither can wait for the other forever: the store's checkpoint k needs
    /// epoch k + 3, which the trainer may end once the store has taken k.
    /// </summary>
    sealed class Lockstep(nn.Module model, int epochs) : ITrainingObserver, ICheckpointStore
    {
        readonly object gate = new();
        readonly Dictionary<int, byte[]> modelStateAtEpochEnd = new();
        int taken;
        public readonly List<(int Epoch, byte[] Model, byte[] Optimizer)> Written = [];
        public readonly HashSet<byte[]> ModelBuffers = new(ReferenceEqualityComparer.Instance);

        /// <summary>Runs just before the trainer captures this epoch's checkpoint: the state it must hold.</summary>
        public void EpochCompleted(RunInfo run, Metrics.EpochMetrics metrics)
        {
            var state = ModelStateBytes.Save(model).ToArray();
            lock (gate)
            {
                modelStateAtEpochEnd[metrics.Epoch] = state;
                Monitor.PulseAll(gate);
                Until(() => taken >= metrics.Epoch - 3, $"the store never took a checkpoint of epoch {metrics.Epoch - 3} or later");
            }
        }

        public void Save(RunInfo run, TrainingCheckpoint checkpoint)
        {
            lock (gate)
            {
                taken = checkpoint.Epoch;
                Monitor.PulseAll(gate);
                Until(() => modelStateAtEpochEnd.ContainsKey(Math.Min(checkpoint.Epoch + 3, epochs)), $"epoch {checkpoint.Epoch + 3} never ended");
            }
            Assert.True(MemoryMarshal.TryGetArray(checkpoint.ModelState, out var segment));
            ModelBuffers.Add(segment.Array!);
            Written.Add((checkpoint.Epoch, checkpoint.ModelState.ToArray(), checkpoint.OptimizerState.ToArray()));
            checkpoint.Dispose();
        }

        public void Delete(RunInfo run) { }

        public byte[] ModelStateAt(int epoch)
        {
            lock (gate) return modelStateAtEpochEnd[epoch];
        }

        void Until(Func<bool> condition, string failure)
        {
            var until = DateTime.UtcNow.AddSeconds(30);
            while (!condition())
            {
                var left = until - DateTime.UtcNow;
                Assert.True(left > TimeSpan.Zero, failure);
                Monitor.Wait(gate, left);
            }
        }
    }

    [Fact]
    public void Every_written_checkpoint_holds_its_own_epochs_state_while_the_buffers_are_reused()
    {
        using var data = DatasetLoader.Load(new DatasetConfig { Name = "digits", ValidationFraction = 0.1 }, Environment.CurrentDirectory);
        var training = new TrainingConfig
        {
            Epochs = 16, BatchSize = 256, CheckpointEvery = 1, Optimizer = new OptimizerConfig { Name = "adam", LearningRate = 1e-2 },
        };
        var binding = LossBinding.Create(new LossEntryConfig { Loss = "cross-entropy" }, data.Task, data.ClassCount);
        using var net = ModelFactory.Build(new ModelConfig { Kind = "mlp", Hidden = [16] }, data.FeatureShape, binding.Outputs, seed: 3);
        using var deviceData = new DeviceData(data, CPU, TrainingAccelerators.Instance);
        var run = new RunInfo("buffers", "CE", "cross-entropy", 3, 0, 1, training.Epochs, WeightSnapshot.Hash(net));
        var store = new Lockstep(net, training.Epochs);
        using (var writer = new BackgroundCheckpointWriter(store))
            new Trainer(training, CPU, null, paths: TrainingAccelerators.Instance).Train(run, net, binding, deviceData, [store], writer);
        binding.Module.Dispose();

        // The newest checkpoint is always written (the final epoch's is never taken: the run's summary follows it).
        Assert.Contains(store.Written, w => w.Epoch == training.Epochs - 1);
        Assert.True(store.Written.Count < training.Epochs, "the store fell behind, so the writer should have skipped some checkpoints");
        foreach (var (epoch, model, optimizer) in store.Written)
        {
            Assert.True(store.ModelStateAt(epoch).AsSpan().SequenceEqual(model), $"the checkpoint written for epoch {epoch} holds another epoch's model state");
            Assert.NotEmpty(optimizer);
        }
        // The optimizer state of different epochs differs (Adam's moments move), so a reused buffer that was overwritten shows.
        Assert.Equal(store.Written.Count,
            store.Written.Select(w => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(w.Optimizer))).Distinct().Count());
        Assert.True(store.ModelBuffers.Count < store.Written.Count,
            $"epochs written {string.Join(",", store.Written.Select(w => w.Epoch))}: " +
            $"{store.ModelBuffers.Count} model buffers for {store.Written.Count} checkpoints: none was reused");
    }

    [Fact]
    public void A_returned_stream_is_rented_again_empty_and_with_room_for_the_hint()
    {
        var buffers = new CheckpointBuffers();
        var first = buffers.Rent(100);
        first.Write(new byte[300]);
        buffers.Return(first);
        var again = buffers.Rent(1000);
        Assert.Same(first, again);
        Assert.Equal(0, again.Length);
        Assert.Equal(0, again.Position);
        Assert.True(again.Capacity >= 1000);
        Assert.NotSame(again, buffers.Rent(10));   // nothing returned: a new one
    }

    [Fact]
    public void The_file_store_disposes_a_checkpoint_once_after_copying_its_bytes()
    {
        var folder = Path.Combine(Path.GetTempPath(), "checkpoint-buffers-" + Guid.NewGuid().ToString("N"));
        try
        {
            byte[] model = [1, 2, 3, 4], optimizer = [5, 6, 7];
            int releases = 0;
            var checkpoint = new TrainingCheckpoint
            {
                RunId = "r", Seed = 0, LossName = "cross-entropy", InitialWeightsHash = "hash", Optimizer = "Adam", Device = "cpu",
                Epoch = 0, Seconds = 1, History = [], EarlyStoppingBest = 0, EarlyStoppingEpochsWithoutImprovement = 0,
                StoppedEarly = false, ModelState = model, OptimizerState = optimizer,
                // What reuse does to the buffers: a later epoch overwrites them.
                Release = () => { releases++; model.AsSpan().Fill(0xEE); optimizer.AsSpan().Fill(0xEE); },
            };
            var store = new CheckpointStore(new Harness.Results.ResultsLayout(folder));
            store.Save(new RunInfo("r", "CE", "cross-entropy", 0, 0, 1, 1, "hash"), checkpoint);
            checkpoint.Dispose();   // a second dispose hands nothing back twice
            Assert.Equal(1, releases);
            var read = TrainingCheckpoint.FromBytes(File.ReadAllBytes(Assert.Single(Directory.GetFiles(store.FolderOf("r")))));
            Assert.Equal([1, 2, 3, 4], read.ModelState.ToArray());
            Assert.Equal([5, 6, 7], read.OptimizerState.ToArray());
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }
}

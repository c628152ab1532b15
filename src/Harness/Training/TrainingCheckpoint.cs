using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Harness.Metrics;

namespace Harness.Training;

/// <summary>
/// Everything a run needs to go on after its last completed epoch exactly as if it had never stopped: the model's
/// parameters and buffers, the optimizer's state (Adam moments, momentum buffers, step counts, learning rates),
/// the early-stopping state, the CPU generator's state (dropout), the epochs completed and the metric history
/// (the rows of metrics.csv and what summary.json is computed from). The LR schedule is not stored: TorchSharp
/// schedulers expose no state, and their position is a function of the epochs completed (see <see cref="Trainer"/>).
/// </summary>
/// <remarks>
/// One self-checking binary file: a magic line, a JSON header, the three binary states (TorchSharp's own tensor
/// format: dtype, shape, then the exact bytes), and a SHA-256 over all of it, so a damaged file is detected rather
/// than half-loaded.
/// </remarks>
public sealed class TrainingCheckpoint : IDisposable
{
    Action? release;

    /// <summary>The run (folder id) this checkpoint belongs to.</summary>
    public required string RunId { get; init; }
    /// <summary>The run's seed.</summary>
    public required int Seed { get; init; }
    /// <summary>The run's loss (registry name).</summary>
    public required string LossName { get; init; }
    /// <summary>Hash of the run's initial weights: a checkpoint is only loaded into the run it came from.</summary>
    public required string InitialWeightsHash { get; init; }
    /// <summary>The optimizer's type name (TorchSharp's optimizer state is only valid for the same type).</summary>
    public required string Optimizer { get; init; }
    /// <summary>The device type the run trained on.</summary>
    public required string Device { get; init; }
    /// <summary>Epochs completed (the next epoch to train is this + 1).</summary>
    public required int Epoch { get; init; }
    /// <summary>Wall time of the run so far, over every process that worked on it.</summary>
    public required double Seconds { get; init; }
    /// <summary>One entry per completed epoch.</summary>
    public required IReadOnlyList<EpochMetrics> History { get; init; }
    /// <summary>Early stopping's best value so far.</summary>
    public required double EarlyStoppingBest { get; init; }
    /// <summary>Early stopping's count of epochs without improvement.</summary>
    public required int EarlyStoppingEpochsWithoutImprovement { get; init; }
    /// <summary>Early stopping ended the run at this epoch (the run is complete but its summary was not written yet).</summary>
    public required bool StoppedEarly { get; init; }
    /// <summary>Per-class test recall after the last completed epoch (classification).</summary>
    public IReadOnlyList<double>? TestRecallPerClass { get; init; }

    /// <summary>The model's state_dict in TorchSharp's tensor format (name, dtype, shape, bytes), in state_dict order.</summary>
    [JsonIgnore] public ReadOnlyMemory<byte> ModelState { get; init; }
    /// <summary>The optimizer's state from <c>Optimizer.save_state_dict</c>.</summary>
    [JsonIgnore] public ReadOnlyMemory<byte> OptimizerState { get; init; }
    /// <summary>The CPU default generator's state (<c>torch.random.get_rng_state</c>).</summary>
    [JsonIgnore] public byte[] RngState { get; init; } = [];

    /// <summary>
    /// Hands <see cref="ModelState"/>'s and <see cref="OptimizerState"/>'s buffers back to whoever lent them (the trainer's
    /// <see cref="ICheckpointMemory"/>), once; a checkpoint read from a file, or one never disposed, lends nothing.
    /// </summary>
    internal Action? Release { init => release = value; }

    /// <summary>
    /// Gives the state buffers back for reuse (see <see cref="Release"/>): after this, <see cref="ModelState"/> and
    /// <see cref="OptimizerState"/> may hold a later checkpoint's bytes and must not be read. Idempotent.
    /// </summary>
    public void Dispose() => Interlocked.Exchange(ref release, null)?.Invoke();

    static readonly byte[] Magic = "harness-checkpoint v1\n"u8.ToArray();

    static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        // NaN and infinities survive (an evaluation may produce them); finite doubles round-trip exactly.
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The file's bytes (one allocation: checkpoints are written every epoch, and large arrays are costly to collect).</summary>
    public byte[] ToBytes()
    {
        const int hashLength = 32;
        ReadOnlyMemory<byte>[] parts = [JsonSerializer.SerializeToUtf8Bytes(this, Json), ModelState, OptimizerState, RngState];
        var bodyLength = Magic.Length + parts.Sum(p => sizeof(int) + p.Length);
        var bytes = new byte[bodyLength + hashLength];
        Magic.CopyTo(bytes, 0);
        int at = Magic.Length;
        foreach (var part in parts)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(at), part.Length);
            part.Span.CopyTo(bytes.AsSpan(at + sizeof(int)));
            at += sizeof(int) + part.Length;
        }
        SHA256.HashData(bytes.AsSpan(0, bodyLength), bytes.AsSpan(bodyLength));
        return bytes;
    }

    /// <summary>Reads a checkpoint file's bytes; throws <see cref="InvalidDataException"/> when they are not a complete, intact checkpoint.</summary>
    public static TrainingCheckpoint FromBytes(byte[] bytes)
    {
        const int hashLength = 32;
        if (bytes.Length < Magic.Length + hashLength || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new InvalidDataException("not a harness checkpoint (or an unknown version)");
        var body = bytes.AsSpan(0, bytes.Length - hashLength);
        if (!SHA256.HashData(body).AsSpan().SequenceEqual(bytes.AsSpan(bytes.Length - hashLength)))
            throw new InvalidDataException("checksum mismatch (the file is damaged)");
        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes, Magic.Length, body.Length - Magic.Length));
            byte[] Part()
            {
                var length = reader.ReadInt32();
                if (length < 0 || length > reader.BaseStream.Length - reader.BaseStream.Position) throw new InvalidDataException("bad section length");
                return reader.ReadBytes(length);
            }
            var header = JsonSerializer.Deserialize<TrainingCheckpoint>(Part(), Json) ?? throw new InvalidDataException("empty header");
            var model = Part();
            var optimizer = Part();
            var rng = Part();
            if (reader.BaseStream.Position != reader.BaseStream.Length) throw new InvalidDataException("trailing bytes");
            if (header.History.Count != header.Epoch) throw new InvalidDataException($"{header.History.Count} history rows for epoch {header.Epoch}");
            return new TrainingCheckpoint
            {
                RunId = header.RunId, Seed = header.Seed, LossName = header.LossName, InitialWeightsHash = header.InitialWeightsHash,
                Optimizer = header.Optimizer, Device = header.Device, Epoch = header.Epoch, Seconds = header.Seconds, History = header.History,
                EarlyStoppingBest = header.EarlyStoppingBest, EarlyStoppingEpochsWithoutImprovement = header.EarlyStoppingEpochsWithoutImprovement,
                StoppedEarly = header.StoppedEarly, TestRecallPerClass = header.TestRecallPerClass,
                ModelState = model, OptimizerState = optimizer, RngState = rng,
            };
        }
        catch (Exception e) when (e is JsonException or EndOfStreamException or ArgumentException or NotSupportedException)
        {
            throw new InvalidDataException(e.Message, e);
        }
    }
}

/// <summary>Where a trainer keeps its checkpoints (files in a run's folder; nothing in tests that do not need them).</summary>
public interface ICheckpointStore
{
    /// <summary>
    /// Stores the checkpoint of a completed epoch, atomically, replacing the run's earlier ones. The store owns
    /// <paramref name="checkpoint"/> from here: it disposes it once its bytes are copied out (or once it is dropped),
    /// which lets the trainer reuse the state buffers for a later epoch; a store that keeps it in memory does not.
    /// </summary>
    void Save(RunInfo run, TrainingCheckpoint checkpoint);

    /// <summary>Removes the run's checkpoints (the run finished and its summary is written).</summary>
    void Delete(RunInfo run);
}

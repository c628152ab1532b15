using System.Globalization;
using Harness.Output;
using Harness.Results;
using Harness.Training;

namespace Harness.Experiments;

/// <summary>
/// Checkpoints as files: <c>runs/&lt;id&gt;/checkpoint/epoch-NNNN.ckpt</c>, one per run while it trains. Each is
/// written atomically and flushed to disk before the older one is deleted, so at every instant the folder holds at
/// least one complete checkpoint (a kill between the two steps leaves two; the newest intact one is used). The folder
/// goes when the run's summary.json is written.
/// </summary>
public sealed class CheckpointStore(ResultsLayout layout) : ICheckpointStore
{
    const string Extension = ".ckpt";

    /// <summary>The folder of a run's checkpoints.</summary>
    public string FolderOf(string runId) => layout.CheckpointFolder(runId);

    /// <inheritdoc />
    public void Save(RunInfo run, TrainingCheckpoint checkpoint)
    {
        var folder = FolderOf(run.Id);
        var path = Path.Combine(folder, $"epoch-{checkpoint.Epoch:D4}{Extension}");
        byte[] bytes;
        // The state buffers go back to the trainer as soon as they are copied, before the slow part (the fsync).
        using (checkpoint) bytes = checkpoint.ToBytes();
        AtomicFile.WriteAllBytes(path, bytes, durable: true);
        foreach (var older in Directory.EnumerateFiles(folder, "*" + Extension))
            if (!string.Equals(Path.GetFullPath(older), Path.GetFullPath(path), StringComparison.Ordinal)) File.Delete(older);
    }

    /// <inheritdoc />
    public void Delete(RunInfo run) => Delete(run.Id);

    /// <summary>Removes a run's checkpoint folder, if any.</summary>
    public void Delete(string runId)
    {
        var folder = FolderOf(runId);
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    /// <summary>
    /// The newest intact checkpoint of a run, or null when there is none. Damaged or unreadable files are skipped, and
    /// each one is described in <paramref name="problems"/>.
    /// </summary>
    public TrainingCheckpoint? Load(string runId, List<string> problems)
    {
        var folder = FolderOf(runId);
        if (!Directory.Exists(folder)) return null;
        AtomicFile.RemoveStaleTemporaries(folder);
        var files = Directory.EnumerateFiles(folder, "*" + Extension)
            .Select(f => (File: f, Epoch: EpochOf(f)))
            .OrderByDescending(f => f.Epoch);
        foreach (var (file, epoch) in files)
        {
            try
            {
                var checkpoint = TrainingCheckpoint.FromBytes(File.ReadAllBytes(file));
                if (checkpoint.RunId != runId || checkpoint.Epoch != epoch)
                    throw new InvalidDataException($"it holds run '{checkpoint.RunId}' at epoch {checkpoint.Epoch}");
                return checkpoint;
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                problems.Add($"checkpoint {file} cannot be used: {e.Message}");
            }
        }
        return null;
    }

    static int EpochOf(string file)
    {
        var name = Path.GetFileNameWithoutExtension(file);
        return name.StartsWith("epoch-", StringComparison.Ordinal)
               && int.TryParse(name["epoch-".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var e) ? e : -1;
    }
}

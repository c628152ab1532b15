using Harness.Output;

namespace Harness.Experiments;

/// <summary>
/// The locks that keep two processes from writing one results folder at once. They live beside the folder, in
/// <c>&lt;output root&gt;/.&lt;name&gt;.locks/</c>, so that --force can move the folder aside while they are held:
/// <list type="bullet">
/// <item><c>grid.lock</c>: exclusive for a whole-grid <c>run</c> (with --resume or --force too) and for <c>report</c>,
/// for their whole life; shared by shard runs, so shards of one grid run side by side and nothing else runs with them.</item>
/// <item><c>run-&lt;id&gt;.lock</c>: exclusive per run of a shard, so two processes never train the same run.</item>
/// <item><c>files.lock</c>: a short exclusive lock around the writes of grid-level files (config.resolved.json,
/// experiment.json, the report) that several shards share.</item>
/// </list>
/// </summary>
public sealed class ResultsFolderLocks : IDisposable
{
    readonly List<FolderLock> held = [];
    readonly string folder;
    readonly string command;

    ResultsFolderLocks(string folder, string command)
    {
        this.folder = folder;
        this.command = command;
    }

    /// <summary>The folder holding the lock files of results folder <paramref name="resultsFolder"/>.</summary>
    public static string LockFolder(string resultsFolder)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(resultsFolder));
        return Path.Combine(Path.GetDirectoryName(full) ?? full, "." + Path.GetFileName(full) + ".locks");
    }

    /// <summary>
    /// Locks for a whole grid (exclusive), or for a shard (grid lock shared, its own runs exclusive). Throws
    /// <see cref="FolderLockedException"/> when held elsewhere.
    /// </summary>
    public static ResultsFolderLocks ForRun(string resultsFolder, bool shard, IEnumerable<string> runIds, string command)
    {
        var locks = new ResultsFolderLocks(resultsFolder, command);
        try
        {
            var what = $"results folder '{resultsFolder}'";
            locks.held.Add(FolderLock.Acquire(Path.Combine(LockFolder(resultsFolder), "grid.lock"), what, command, shared: shard));
            if (shard)
                foreach (var id in runIds)
                    locks.held.Add(FolderLock.Acquire(Path.Combine(LockFolder(resultsFolder), "run-" + id.Replace('/', '_') + ".lock"),
                        $"run '{id}' of results folder '{resultsFolder}'", command));
            return locks;
        }
        catch
        {
            locks.Dispose();
            throw;
        }
    }

    /// <summary>The exclusive lock of a whole folder (for <c>report</c>).</summary>
    public static ResultsFolderLocks Exclusive(string resultsFolder, string command) => ForRun(resultsFolder, shard: false, [], command);

    /// <summary>The short lock around grid-level file writes; waits up to a minute for another shard's writes.</summary>
    public IDisposable GridFiles() => FolderLock.AcquireWaiting(Path.Combine(LockFolder(folder), "files.lock"),
        $"the grid files of results folder '{folder}'", command, TimeSpan.FromMinutes(1));

    /// <summary>Releases every lock.</summary>
    public void Dispose()
    {
        foreach (var l in Enumerable.Reverse(held)) l.Dispose();
        held.Clear();
    }
}

using System.Diagnostics;
using System.Globalization;

namespace Harness.Output;

/// <summary>
/// An operating-system lock on a lock file (a <see cref="FileStream"/> opened with <see cref="FileShare.None"/>, or
/// <see cref="FileShare.Read"/> for a shared lock: flock on Linux, a share mode on Windows), held until disposed. The
/// kernel releases it when the process ends in any way, kill -9 included, so a lock is never left stale. Beside the lock
/// file each holder writes <c>&lt;lock file&gt;.&lt;pid&gt;.holder</c> (PID, host, start time, command), so that a process
/// refused the lock can name who holds it: the lock file itself cannot be read while it is locked.
/// </summary>
public sealed class FolderLock : IDisposable
{
    const string HolderSuffix = ".holder";
    readonly FileStream stream;
    readonly string holderFile;

    FolderLock(FileStream stream, string holderFile)
    {
        this.stream = stream;
        this.holderFile = holderFile;
    }

    /// <summary>
    /// Takes the lock on <paramref name="lockFile"/> (creating it and its folder), exclusive or shared, without waiting.
    /// Throws <see cref="FolderLockedException"/> naming the holders when another process holds a conflicting lock.
    /// </summary>
    public static FolderLock Acquire(string lockFile, string what, string command, bool shared = false) =>
        TryAcquire(lockFile, command, shared) ?? throw new FolderLockedException(what, Holders(lockFile));

    /// <summary>
    /// Takes the exclusive lock on <paramref name="lockFile"/>, waiting up to <paramref name="timeout"/> for other holders
    /// (for short locks around a few file writes).
    /// </summary>
    public static FolderLock AcquireWaiting(string lockFile, string what, string command, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            if (TryAcquire(lockFile, command, shared: false) is { } taken) return taken;
            if (watch.Elapsed > timeout) throw new FolderLockedException(what, Holders(lockFile));
            Thread.Sleep(20);
        }
    }

    static FolderLock? TryAcquire(string lockFile, string command, bool shared)
    {
        var full = Path.GetFullPath(lockFile);
        FileSystemException.Guard("create the folder", Path.GetDirectoryName(full)!, () => Directory.CreateDirectory(Path.GetDirectoryName(full)!));
        FileStream stream;
        try
        {
            stream = new FileStream(full, FileMode.OpenOrCreate, shared ? FileAccess.Read : FileAccess.ReadWrite, shared ? FileShare.Read : FileShare.None);
        }
        catch (IOException e) when (IsLockConflict(e, full))
        {
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FileSystemException("take the lock", full, e);
        }
        var holderFile = $"{full}.{Environment.ProcessId}{HolderSuffix}";
        try
        {
            // An exclusive holder knows every other holder file is left over from a process that ended.
            foreach (var other in HolderFiles(full))
                if (other != holderFile && (!shared || !IsAlive(other))) File.Delete(other);
            AtomicFile.WriteAllText(holderFile, string.Create(CultureInfo.InvariantCulture,
                $"PID {Environment.ProcessId} on host {Environment.MachineName}, " +
                $"started {Process.GetCurrentProcess().StartTime.ToUniversalTime():yyyy-MM-ddTHH:mm:ssZ}, command: {command}"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stream.Dispose();
            throw e as FileSystemException ?? new FileSystemException("record the lock's holder in", holderFile, e);
        }
        return new FolderLock(stream, holderFile);
    }

    /// <summary>
    /// True when opening failed because another process holds the lock (not for a missing folder or a permission):
    /// .NET reports that as a plain IOException with the sharing-violation code, on an existing file.
    /// </summary>
    static bool IsLockConflict(IOException e, string path) =>
        e.GetType() == typeof(IOException) && File.Exists(path) && (e.HResult & 0xFFFF) is 32 or 33 or 11;

    static IEnumerable<string> HolderFiles(string lockFile)
    {
        var folder = Path.GetDirectoryName(lockFile)!;
        return Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, Path.GetFileName(lockFile) + ".*" + HolderSuffix).ToList()
            : [];
    }

    static int? PidOf(string holderFile)
    {
        var stem = Path.GetFileName(holderFile)[..^HolderSuffix.Length];
        return int.TryParse(stem[(stem.LastIndexOf('.') + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
    }

    static bool IsAlive(string holderFile)
    {
        if (PidOf(holderFile) is not { } pid) return false;
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>What the live holders of <paramref name="lockFile"/> recorded about themselves.</summary>
    static IReadOnlyList<string> Holders(string lockFile)
    {
        var holders = new List<string>();
        foreach (var file in HolderFiles(Path.GetFullPath(lockFile)).Where(IsAlive))
        {
            try { holders.Add(File.ReadAllText(file).Trim()); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { } // it ended meanwhile
        }
        return holders;
    }

    /// <summary>Removes this holder's record and releases the lock (the lock file stays: deleting it would race with a process opening it).</summary>
    public void Dispose()
    {
        try { File.Delete(holderFile); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { } // a stale record is only cosmetic
        stream.Dispose();
    }
}

/// <summary>Another process holds the lock: bad timing of the user's, reported like bad input (exit 2) with the holders named.</summary>
public sealed class FolderLockedException(string what, IReadOnlyList<string> holders) : Exception(
    $"{what} is in use by another harness process ({(holders.Count == 0 ? "it recorded no details" : string.Join("; ", holders))}); " +
    "wait for it to finish, or write elsewhere with --output (a killed process releases its lock at once).");

using System.Text;

namespace Harness.Output;

/// <summary>
/// Writes files so that a reader (or a process killed mid-write, kill -9 included) never sees a partial file: the
/// content goes to a temporary file in the same folder (<c>&lt;name&gt;.&lt;pid&gt;.tmp</c>), which is then renamed
/// over the target (rename is atomic on one file system). A kill can leave the temporary file behind, never a
/// partial target; <see cref="RemoveStaleTemporaries"/> clears those on resume.
/// </summary>
public static class AtomicFile
{
    /// <summary>The suffix of temporary files.</summary>
    public const string TemporarySuffix = ".tmp";

    /// <summary>Writes <paramref name="contents"/> to <paramref name="path"/> atomically as UTF-8 without a byte-order mark, creating the folder.</summary>
    // Not File.WriteAllText: it preallocates the file, and a full disk then fails with .NET's own wording ("Failed to
    // create ... because the disk was full") instead of the system's "No space left on device" every other write gives.
    public static void WriteAllText(string path, string contents) => WriteAllBytes(path, Encoding.UTF8.GetBytes(contents));

    /// <summary>
    /// Writes <paramref name="contents"/> to <paramref name="path"/> atomically, creating the folder. With
    /// <paramref name="durable"/> the bytes are flushed to the disk (fsync) before the rename, so the file also
    /// survives a power loss whole (checkpoints); without, a killed process still never leaves a partial file.
    /// </summary>
    public static void WriteAllBytes(string path, byte[] contents, bool durable = false) =>
        Write(path, temporary =>
        {
            using var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None);
            stream.Write(contents);
            stream.Flush(flushToDisk: durable);
        }, durable);

    static void Write(string path, Action<string> write, bool durable)
    {
        var full = Path.GetFullPath(path);
        var temporary = full + $".{Environment.ProcessId}{TemporarySuffix}";
        // A full disk or a read-only folder fails here: the message names the file, and the target is untouched.
        FileSystemException.Guard("write", full, () =>
        {
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(full)!);
                write(temporary);
                File.Move(temporary, full, overwrite: true);
            }
            finally
            {
                try { if (File.Exists(temporary)) File.Delete(temporary); }
                catch (IOException) { } // the write's own failure is the one to report
            }
        });
    }

    /// <summary>
    /// Deletes temporary files that a killed writer left in <paramref name="folder"/> (not in subfolders). Only call it
    /// where no other live process writes: a shard cleans only its own runs' folders.
    /// </summary>
    public static int RemoveStaleTemporaries(string folder)
    {
        if (!Directory.Exists(folder)) return 0;
        int removed = 0;
        foreach (var file in Directory.EnumerateFiles(folder, "*" + TemporarySuffix))
        {
            // <target>.<pid>.tmp, as Write names them.
            var stem = Path.GetFileName(file)[..^TemporarySuffix.Length];
            var dot = stem.LastIndexOf('.');
            if (dot < 0 || !int.TryParse(stem[(dot + 1)..], out _)) continue;
            File.Delete(file);
            removed++;
        }
        return removed;
    }
}

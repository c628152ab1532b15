namespace Harness.Output;

/// <summary>
/// A file-system operation that failed for a reason outside the harness's input (a full disk, a permission denied, a
/// path that is a file, a read-only folder): its message names the operation and the path, and the command prints it
/// alone and exits with <c>ExitCodes.Environment</c>.
/// </summary>
public sealed class FileSystemException(string operation, string path, Exception inner)
    : IOException($"cannot {operation} '{path}': {inner.Message}", inner)
{
    /// <summary>What was being done ("write", "create the folder", ...).</summary>
    public string Operation { get; } = operation;

    /// <summary>The path it was done to.</summary>
    public string Path { get; } = path;

    /// <summary>Runs <paramref name="action"/>, turning an I/O or permission failure into a <see cref="FileSystemException"/>.</summary>
    public static void Guard(string operation, string path, Action action)
    {
        try { action(); }
        catch (Exception e) when (e is IOException and not FileSystemException or UnauthorizedAccessException)
        {
            throw new FileSystemException(operation, path, e);
        }
    }

    /// <summary>Returns what <paramref name="func"/> returns, turning an I/O or permission failure into a <see cref="FileSystemException"/>.</summary>
    public static T Guard<T>(string operation, string path, Func<T> func)
    {
        try { return func(); }
        catch (Exception e) when (e is IOException and not FileSystemException or UnauthorizedAccessException)
        {
            throw new FileSystemException(operation, path, e);
        }
    }
}

namespace Harness.Tests.Cli;

/// <summary>
/// A fresh folder under the system's temp path for one test (the harness's working folder, its config files, its
/// results), deleted with everything in it when disposed: <c>using var temp = new TemporaryFolder();</c> in place of a
/// try/finally in every test.
/// </summary>
internal sealed class TemporaryFolder : IDisposable
{
    /// <summary>Creates the folder.</summary>
    public TemporaryFolder() => Path = HarnessProcess.TempFolder();

    /// <summary>The folder's full path.</summary>
    public string Path { get; }

    /// <summary>Writes <paramref name="text"/> to the file <paramref name="name"/> in the folder; returns the file's full path.</summary>
    public string Write(string name, string text)
    {
        var path = System.IO.Path.Combine(Path, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Deletes the folder and everything in it.</summary>
    public void Dispose()
    {
        if (Directory.Exists(Path)) Directory.Delete(Path, true);
    }
}

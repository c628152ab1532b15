using System.Diagnostics;

namespace Harness.Plugins;

/// <summary>
/// Builds a plugin given as a project file (Release, with the SDK on PATH) and finds the assembly it makes. Builds of the
/// same project are serialized by a lock file beside it, so the workers of <c>--jobs</c>, or two users, never write its
/// obj folder at once.
/// </summary>
static class PluginProjectBuild
{
    /// <summary>Builds <paramref name="project"/> and returns the full path of its output assembly.</summary>
    public static string Build(string project)
    {
        var directory = Path.GetDirectoryName(project)!;
        using var buildLock = Lock(Path.Combine(directory, "obj", ".harness-plugin-build.lock"));
        var (code, output) = Dotnet(["build", project, "-c", "Release", "-nologo", "-v:q", "-clp:ErrorsOnly;NoSummary"]);
        if (code != 0)
        {
            var errors = output.Split('\n').Select(l => l.Trim())
                .Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)).Distinct().Take(10).ToList();
            throw new PluginException($"plugin '{project}': the build failed (dotnet build, exit {code}):{Environment.NewLine}" +
                string.Join(Environment.NewLine, errors.Count > 0 ? errors : [output.Trim()]));
        }
        var (_, targetPath) = Dotnet(["msbuild", project, "-nologo", "-getProperty:TargetPath", "-p:Configuration=Release"]);
        var assembly = targetPath.Trim();
        if (!File.Exists(assembly))
            throw new PluginException($"plugin '{project}': built, but its output assembly '{assembly}' is missing; is it a class library?");
        return assembly;
    }

    static FileStream Lock(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var deadline = DateTime.UtcNow.AddMinutes(10);
        while (true)
        {
            try { return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose); }
            catch (IOException) when (DateTime.UtcNow < deadline) { Thread.Sleep(200); }
        }
    }

    // The SDK that runs the harness when it was started by `dotnet run`/`dotnet test`, else the one on PATH.
    static (int Code, string Output) Dotnet(IReadOnlyList<string> arguments)
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h && File.Exists(h) ? h : "dotnet";
        var start = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        try
        {
            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, stdout + stderr.Result);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new PluginException(
                $"a plugin project needs the .NET SDK to build it, and '{host}' could not be started: {e.Message}. Give the built .dll instead.", e);
        }
    }
}

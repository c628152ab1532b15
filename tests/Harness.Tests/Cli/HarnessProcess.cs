using System.Diagnostics;

namespace Harness.Tests.Cli;

/// <summary>Runs the harness executable (built next to the tests) in a separate process, as a user would.</summary>
internal static class HarnessProcess
{
    public static (int ExitCode, string StdOut, string StdErr) Run(string workingDirectory, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "harness.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException("harness " + string.Join(" ", args) + " did not finish in 5 minutes");
        }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    public static string TempFolder()
    {
        var dir = Path.Combine(Path.GetTempPath(), "harness-cli-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}

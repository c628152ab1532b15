using System.Diagnostics;
using System.Text;
using Xunit;

namespace Harness.Tests.Cli;

/// <summary>Runs the harness executable (built next to the tests) in a separate process, as a user would.</summary>
internal static class HarnessProcess
{
    public static (int ExitCode, string StdOut, string StdErr) Run(string workingDirectory, params string[] args)
    {
        using var p = Process.Start(StartInfo(workingDirectory, args))!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException("harness " + string.Join(" ", args) + " did not finish in 5 minutes");
        }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Starts the harness and returns while it runs; its output and error lines collect into <paramref name="output"/>.</summary>
    public static Process Start(string workingDirectory, StringBuilder output, params string[] args)
    {
        var p = Process.Start(StartInfo(workingDirectory, args))!;
        p.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    /// <summary>Waits until <paramref name="ready"/> holds, the process has exited, or two minutes have passed.</summary>
    public static void WaitUntil(Process process, Func<bool> ready)
    {
        var watch = Stopwatch.StartNew();
        while (!ready() && !process.HasExited && watch.Elapsed < TimeSpan.FromMinutes(2)) Thread.Sleep(20);
    }

    /// <summary>Fails when <paramref name="output"/> holds a .NET stack trace: bad input gets one message, never a trace.</summary>
    public static void AssertNoStackTrace(string output) => Assert.DoesNotContain("   at ", output);

    public static string TempFolder()
    {
        var dir = Path.Combine(Path.GetTempPath(), "harness-cli-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    static ProcessStartInfo StartInfo(string workingDirectory, string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "harness.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        return psi;
    }
}

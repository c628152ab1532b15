using System.Diagnostics;

namespace Harness.Tests.Cli;

/// <summary>Runs a program other than the harness (bash, sbatch, npm, node) as a user would, with a time limit.</summary>
internal static class ExternalProcess
{
    /// <summary>Null when <paramref name="file"/> is not on PATH, so that a test can skip rather than fail on a machine without it.</summary>
    public static string? Find(string file) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, file)).FirstOrDefault(File.Exists);

    public static (int ExitCode, string StdOut, string StdErr) Run(string workingDirectory, IReadOnlyDictionary<string, string> environment,
        TimeSpan timeout, string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (name, value) in environment) psi.Environment[name] = value;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(" ", args)} did not finish in {timeout.TotalSeconds:0} s");
        }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}

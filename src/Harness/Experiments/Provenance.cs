using System.Diagnostics;
using System.Runtime.Intrinsics.X86;
using System.Text.RegularExpressions;
using static TorchSharp.torch;

namespace Harness.Experiments;

/// <summary>
/// What a result was produced with, for experiment.json and the report: the git commit of the working tree (and whether
/// it had uncommitted changes), TorchSharp and libtorch versions, the CPU model and the vector extensions its kernels
/// can use (MKL and oneDNN pick kernels by them, which changes the low bits), and the thread count.
/// </summary>
/// <param name="GitCommit">HEAD of the repository the command ran in, or null outside one (or without git).</param>
/// <param name="GitDirty">Uncommitted changes to tracked files; null when unknown.</param>
/// <param name="TorchSharp">TorchSharp's assembly version.</param>
/// <param name="LibTorch">The libtorch package and version the harness was built against (from its deps.json), or null.</param>
/// <param name="Cpu">The CPU model (from /proc/cpuinfo), or null.</param>
/// <param name="VectorExtensions">x86 vector extensions available, e.g. "AVX2 FMA AVX-512F".</param>
/// <param name="Threads">libtorch intra-op threads.</param>
public sealed record Provenance(string? GitCommit, bool? GitDirty, string? TorchSharp, string? LibTorch, string? Cpu, string VectorExtensions, int Threads)
{
    /// <summary>
    /// Collects the provenance of this process, reading git in <paramref name="workingDirectory"/>. Changes under
    /// <paramref name="output"/> (the results folder being written, which may be a committed one that --force replaces)
    /// do not make the tree dirty: they are the result, not the code that produced it.
    /// </summary>
    public static Provenance Collect(string workingDirectory, string? output = null)
    {
        var commit = Git(workingDirectory, "rev-parse HEAD")?.Trim();
        bool? dirty = null;
        if (commit != null && Git(workingDirectory, "status --porcelain --untracked-files=no") is { } status)
        {
            var top = Git(workingDirectory, "rev-parse --show-toplevel")?.Trim();
            var excluded = output != null && top != null ? Path.GetRelativePath(top, Path.GetFullPath(output)).Replace('\\', '/').TrimEnd('/') + "/" : null;
            // Porcelain v1 lines are "XY path" (renames "XY old -> new"), paths relative to the top of the repository.
            dirty = status.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Any(line => line.Length > 3 && (excluded == null || !line[3..].Trim('"').StartsWith(excluded, StringComparison.Ordinal)));
        }
        return new Provenance(commit is { Length: 40 } ? commit : null, dirty, typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString(),
            LibTorchPackage(), CpuModel(), VectorExtensionList(), get_num_threads());
    }

    static string? Git(string directory, string arguments)
    {
        try
        {
            var start = new ProcessStartInfo("git", arguments)
            {
                WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            };
            using var process = Process.Start(start);
            if (process == null) return null;
            var output = process.StandardOutput.ReadToEnd();
            process.StandardError.ReadToEnd();
            if (!process.WaitForExit(10_000)) { process.Kill(); return null; }
            return process.ExitCode == 0 ? output : null;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            return null; // no git on this machine
        }
    }

    static string? LibTorchPackage()
    {
        var deps = Path.Combine(AppContext.BaseDirectory, (System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name ?? "harness") + ".deps.json");
        if (!File.Exists(deps)) deps = Path.Combine(AppContext.BaseDirectory, "harness.deps.json");
        if (!File.Exists(deps)) return null;
        // A portable build lists every platform's package: prefer this platform's.
        var os = OperatingSystem.IsLinux() ? "linux" : OperatingSystem.IsWindows() ? "win" : "osx";
        var matches = Regex.Matches(File.ReadAllText(deps), "\"(libtorch-[a-z0-9.-]+)/([0-9][0-9.]*)\"");
        var match = matches.FirstOrDefault(m => m.Groups[1].Value.Contains(os, StringComparison.Ordinal)) ?? matches.FirstOrDefault();
        return match is null ? null : $"{match.Groups[1].Value} {match.Groups[2].Value}";
    }

    static string? CpuModel()
    {
        try
        {
            if (!File.Exists("/proc/cpuinfo")) return null;
            return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim();
        }
        catch (IOException) { return null; }
    }

    static string VectorExtensionList()
    {
        var found = new List<string>();
        if (Avx2.IsSupported) found.Add("AVX2");
        if (Fma.IsSupported) found.Add("FMA");
        if (Avx512F.IsSupported) found.Add("AVX-512F");
        if (Avx512BW.IsSupported) found.Add("AVX-512BW");
        if (Avx512Vbmi.IsSupported) found.Add("AVX-512VBMI");
        if (System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported) found.Add("AdvSIMD");
        return found.Count == 0 ? "none detected" : string.Join(" ", found);
    }
}

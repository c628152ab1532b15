using System.Diagnostics;
using Harness.Tests.Cli;
using Xunit;

namespace Harness.Tests.Reliability;

/// <summary>A fact that needs to mount a tmpfs (root, and a kernel that lets this container mount); skipped with the reason otherwise.</summary>
public sealed class TmpfsFactAttribute : FactAttribute
{
    public TmpfsFactAttribute()
    {
        if (!OperatingSystem.IsLinux()) Skip = "needs Linux tmpfs";
        else if (Environment.UserName != "root") Skip = "needs root to mount a small tmpfs (disk full is simulated nowhere else)";
        else if (!CanMount()) Skip = "mount -t tmpfs is not permitted in this container";
    }

    static bool CanMount()
    {
        var probe = Path.Combine(Path.GetTempPath(), "tmpfs-probe-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(probe);
        try
        {
            if (DiskFullTests.Sh("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", probe) != 0) return false;
            DiskFullTests.Sh("umount", probe);
            return true;
        }
        finally { Directory.Delete(probe); }
    }
}

/// <summary>
/// Environment failures on a real tmpfs. A disk that fills during a run (issue 17, item 5): one message naming the file and the operation, exit 4, no
/// stack trace, no partial files, and the folder resumes once there is space, as if nothing had happened. A read-only
/// folder (item 6) fails report and validate --output the same way.
/// </summary>
[Trait("Category", TestCategory.Slow)]
public class DiskFullTests
{
    const string Config = """
    {
      "name": "full",
      "dataset": { "name": "digits", "trainLimit": 200 },
      "model": { "kind": "mlp", "hidden": [256] },
      "training": { "epochs": 4, "batchSize": 32, "checkpointEvery": 1 },
      "seeds": [0, 1],
      "losses": [
        { "loss": "cross-entropy", "displayName": "CE" },
        { "loss": "mse", "displayName": "MSE", "activation": "softmax", "targetEncoding": "one-hot" }
      ]
    }
    """;

    internal static int Sh(params string[] args)
    {
        var psi = new ProcessStartInfo(args[0]) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args.Skip(1)) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        p.StandardOutput.ReadToEnd();
        p.StandardError.ReadToEnd();
        p.WaitForExit();
        return p.ExitCode;
    }

    /// <summary>A tmpfs of a given size mounted at a new folder; unmounted when disposed.</summary>
    sealed class MountedTmpfs : IDisposable
    {
        public MountedTmpfs(string path, string size)
        {
            Path = path;
            Directory.CreateDirectory(path);
            Assert.Equal(0, Sh("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", path));
        }

        public string Path { get; }

        public void Dispose() => Sh("umount", Path);
    }

    [TmpfsFact]
    public void A_full_disk_stops_the_run_with_exit_4_naming_the_file_and_the_folder_resumes_afterwards()
    {
        using var temp = new TemporaryFolder();
        var dir = temp.Path;
        // A checkpoint of this MLP with Adam's moments is about 230 kB: the second one does not fit beside the first.
        using var tmpfs = new MountedTmpfs(Path.Combine(dir, "disk"), "400k");
        var disk = tmpfs.Path;
        var config = temp.Write("full.json", Config);
        var (code, stdout, stderr) = HarnessProcess.Run(dir, "run", config, "--output", disk);
        Assert.True(code == 4, $"exit {code}\n{stdout}{stderr}");
        Assert.Contains("error: cannot write '" + Path.Combine(disk, "full"), stderr);
        Assert.Contains("No space left on device", stderr);
        HarnessProcess.AssertNoStackTrace(stdout + stderr);
        var folder = Path.Combine(disk, "full");
        Assert.Empty(Directory.GetFiles(folder, "*.tmp", SearchOption.AllDirectories));

        Assert.Equal(0, Sh("mount", "-o", "remount,size=64m", disk));
        var resumed = HarnessProcess.Run(dir, "run", config, "--output", disk, "--resume");
        Assert.True(resumed.ExitCode == 0, resumed.StdOut + resumed.StdErr);
        var straight = HarnessProcess.Run(dir, "run", config, "--output", Path.Combine(dir, "straight"));
        Assert.True(straight.ExitCode == 0, straight.StdOut + straight.StdErr);
        foreach (var run in new[] { "ce-seed0", "ce-seed1", "mse-seed0", "mse-seed1" })
            Assert.Equal(
                Sinks.UntimedMetricsCsv.Of(File.ReadAllText(Path.Combine(dir, "straight", "full", "runs", run, "metrics.csv"))),
                Sinks.UntimedMetricsCsv.Of(File.ReadAllText(Path.Combine(folder, "runs", run, "metrics.csv"))));
    }

    [TmpfsFact]
    public void Every_atomic_write_to_a_full_disk_says_no_space_left_and_leaves_no_file()
    {
        using var temp = new TemporaryFolder();
        using var tmpfs = new MountedTmpfs(Path.Combine(temp.Path, "disk"), "64k");
        // More than the disk holds, so the write fails whether the file is preallocated or written block by block.
        var text = new string('x', 200_000);
        foreach (var (name, write) in new (string, Action<string>)[]
        {
            ("text.json", path => Output.AtomicFile.WriteAllText(path, text)),
            ("bytes.ckpt", path => Output.AtomicFile.WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(text), durable: true)),
        })
        {
            var path = Path.Combine(tmpfs.Path, name);
            var e = Assert.Throws<Output.FileSystemException>(() => write(path));
            Assert.StartsWith($"cannot write '{path}': ", e.Message);
            Assert.Contains("No space left on device", e.Message);
            Assert.Empty(Directory.GetFileSystemEntries(tmpfs.Path));
        }
    }

    [TmpfsFact]
    public void A_read_only_folder_fails_report_and_validate_with_exit_4_naming_the_path()
    {
        using var temp = new TemporaryFolder();
        var dir = temp.Path;
        using var tmpfs = new MountedTmpfs(Path.Combine(dir, "disk"), "64m");
        var disk = tmpfs.Path;
        var config = temp.Write("full.json", Config.Replace("[256]", "[4]").Replace("\"epochs\": 4", "\"epochs\": 1"));
        var run = HarnessProcess.Run(dir, "run", config, "--output", disk);
        Assert.True(run.ExitCode == 0, run.StdOut + run.StdErr);
        Directory.CreateDirectory(Path.Combine(disk, "validation"));
        // Read-only even for root, which ignores permission bits.
        Assert.Equal(0, Sh("mount", "-o", "remount,ro", disk));
        var folder = Path.Combine(disk, "full");
        var before = FolderSnapshot.Of(folder);
        foreach (var args in new[]
        {
            new[] { "report", folder }, ["validate", "--losses", "mse", "--dtype", "float64", "--output", Path.Combine(disk, "validation")],
        })
        {
            var (code, stdout, stderr) = HarnessProcess.Run(dir, args);
            Assert.True(code == 4, $"{args[0]}: exit {code}\n{stdout}{stderr}");
            Assert.Contains("error: cannot ", stderr);
            Assert.Contains(disk, stderr);
            Assert.Contains("Read-only file system", stderr);
            HarnessProcess.AssertNoStackTrace(stdout + stderr);
        }
        Assert.True(before.SequenceEqual(FolderSnapshot.Of(folder)));
    }
}

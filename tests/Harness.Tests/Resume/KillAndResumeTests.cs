using System.Diagnostics;
using Harness.Tests.Cli;
using Harness.Tests.Sinks;
using Xunit;
using Xunit.Abstractions;

namespace Harness.Tests.Resume;

/// <summary>The uninterrupted grid every kill test compares with, run once.</summary>
public sealed class UninterruptedGrid : IDisposable
{
    public const string Config = """
    {
      "name": "killme",
      "dataset": { "name": "digits", "trainLimit": 1000 },
      "model": { "kind": "mlp", "hidden": [96, 48], "dropout": 0.2 },
      "training": {
        "epochs": 10, "batchSize": 32, "checkpointEvery": 1,
        "optimizer": { "name": "adam", "learningRate": 0.002 },
        "schedule": { "name": "cosine" },
        "earlyStopping": { "enabled": true, "patience": 4, "metric": "loss" }
      },
      "seeds": [0, 1],
      "losses": [
        { "loss": "cross-entropy", "displayName": "CE" },
        { "loss": "mse", "displayName": "MSE", "activation": "softmax", "targetEncoding": "one-hot" }
      ],
      "convergenceTarget": 0.8
    }
    """;

    public static readonly string[] Runs = ["ce-seed0", "mse-seed0", "ce-seed1", "mse-seed1"];

    public UninterruptedGrid()
    {
        Directory = HarnessProcess.TempFolder();
        ConfigPath = Path.Combine(Directory, "killme.json");
        File.WriteAllText(ConfigPath, Config);
        var (code, stdout, stderr) = HarnessProcess.Run(Directory, "run", ConfigPath, "--output", "straight");
        if (code != 0) throw new InvalidOperationException(stdout + stderr);
        Folder = Path.Combine(Directory, "straight", "killme");
    }

    public string Directory { get; }
    public string ConfigPath { get; }
    public string Folder { get; }

    public void Dispose() => System.IO.Directory.Delete(Directory, true);
}

/// <summary>
/// Kills a real <c>harness run</c> process (kill -9 of the whole tree) at a random moment after its first
/// checkpoint, resumes it with <c>--resume</c>, and checks every metrics.csv (timing columns aside) and every
/// summary.json (timing fields aside) against an uninterrupted run, exactly.
/// </summary>
[Trait("Category", TestCategory.Slow)]
public class KillAndResumeTests(UninterruptedGrid straight, ITestOutputHelper output) : IClassFixture<UninterruptedGrid>
{
    static Process Start(string workingDirectory, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "harness.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        var p = Process.Start(psi)!;
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    static IEnumerable<string> Checkpoints(string folder) =>
        Directory.Exists(Path.Combine(folder, "runs"))
            ? Directory.EnumerateFiles(Path.Combine(folder, "runs"), "*.ckpt", SearchOption.AllDirectories)
            : [];

    /// <summary>
    /// Starts the command, waits until a checkpoint newer than any before exists, then kills the whole process tree after
    /// a random delay. Returns false when the process finished before the kill (nothing was interrupted).
    /// </summary>
    bool StartAndKill(string dir, string folder, string[] args, Random random, int maxDelayMs)
    {
        var before = Checkpoints(folder).ToHashSet();
        using var p = Start(dir, args);
        var wait = Stopwatch.StartNew();
        while (!Checkpoints(folder).Any(c => !before.Contains(c)))
        {
            if (p.HasExited) return false;
            if (wait.Elapsed > TimeSpan.FromMinutes(2)) { p.Kill(true); throw new TimeoutException("no checkpoint in 2 minutes"); }
            Thread.Sleep(5);
        }
        var delay = random.Next(maxDelayMs);
        Thread.Sleep(delay);
        if (p.HasExited) return false;
        p.Kill(entireProcessTree: true);
        p.WaitForExit();
        output.WriteLine($"killed {string.Join(' ', args)} {delay} ms after a new checkpoint; finished runs: " +
                         string.Join(", ", UninterruptedGrid.Runs.Where(r => File.Exists(Path.Combine(folder, "runs", r, "summary.json")))));
        return true;
    }

    void AssertSameResults(string folder, IEnumerable<string> runs)
    {
        foreach (var run in runs)
        {
            string Read(string root, string file) => File.ReadAllText(Path.Combine(root, "runs", run, file));
            Assert.Equal(UntimedMetricsCsv.Of(Read(straight.Folder, "metrics.csv")), UntimedMetricsCsv.Of(Read(folder, "metrics.csv")));
            Assert.Equal(ResumeTests.UntimedSummary(Read(straight.Folder, "summary.json")), ResumeTests.UntimedSummary(Read(folder, "summary.json")));
            Assert.False(Directory.Exists(Path.Combine(folder, "runs", run, "checkpoint")), $"{run}: checkpoint left after the run finished");
        }
        Assert.Empty(Directory.GetFiles(folder, "*.tmp", SearchOption.AllDirectories));
    }

    [Theory]
    [InlineData("1")]
    [InlineData("2")]
    public void A_run_killed_twice_at_random_moments_resumes_to_the_uninterrupted_results(string jobs)
    {
        var seed = Environment.TickCount;
        output.WriteLine($"random seed {seed}");
        var random = new Random(seed);
        for (int attempt = 0; ; attempt++)
        {
            var dir = HarnessProcess.TempFolder();
            try
            {
                var folder = Path.Combine(dir, "out", "killme");
                // With two runs at once, a kill interrupts two runs, each with its own dropout generator in its checkpoint.
                string[] run = ["run", straight.ConfigPath, "--output", "out", "--jobs", jobs];
                // Earlier attempts that finished before the kill shorten the delays.
                var maxDelay = 1500 >> attempt;
                if (!StartAndKill(dir, folder, run, random, maxDelay)
                    || UninterruptedGrid.Runs.All(r => File.Exists(Path.Combine(folder, "runs", r, "summary.json"))))
                {
                    Assert.True(attempt < 4, "the grid kept finishing before the kill");
                    continue;
                }
                // Killed mid-grid; resuming (killed once more, if it is still running) finishes it.
                StartAndKill(dir, folder, [.. run, "--resume"], random, maxDelay);
                var (code, stdout, stderr) = HarnessProcess.Run(dir, [.. run, "--resume"]);
                Assert.True(code == 0, stdout + stderr);
                output.WriteLine(stdout);
                AssertSameResults(folder, UninterruptedGrid.Runs);
                return;
            }
            finally { Directory.Delete(dir, true); }
        }
    }

    [Fact]
    public void A_killed_shard_resumes_its_own_runs_to_the_uninterrupted_results()
    {
        var random = new Random(Environment.TickCount);
        for (int attempt = 0; ; attempt++)
        {
            var dir = HarnessProcess.TempFolder();
            try
            {
                var folder = Path.Combine(dir, "out", "killme");
                // One run at a time: the shard's two runs trained at once end within a few epochs of each other, too soon
                // after the first checkpoint for a kill to land between (the grid test above kills --jobs 2).
                string[] shard = ["run", straight.ConfigPath, "--output", "out", "--shard", "2/2", "--jobs", "1"];
                if (!StartAndKill(dir, folder, shard, random, 600 >> attempt)
                    || new[] { "mse-seed0", "mse-seed1" }.All(r => File.Exists(Path.Combine(folder, "runs", r, "summary.json"))))
                {
                    Assert.True(attempt < 4, "the shard kept finishing before the kill");
                    continue;
                }
                var (code, stdout, stderr) = HarnessProcess.Run(dir, [.. shard, "--resume"]);
                Assert.True(code == 0, stdout + stderr);
                // Shard 2/2 holds plan indices 1 and 3; the other shard's runs were never touched.
                AssertSameResults(folder, ["mse-seed0", "mse-seed1"]);
                Assert.False(Directory.Exists(Path.Combine(folder, "runs", "ce-seed0")));
                return;
            }
            finally { Directory.Delete(dir, true); }
        }
    }

    [Fact]
    public void Resume_on_a_finished_grid_retrains_nothing()
    {
        var dir = HarnessProcess.TempFolder();
        try
        {
            var copy = Path.Combine(dir, "out", "killme");
            CopyFolder(straight.Folder, copy);
            var before = Directory.GetFiles(Path.Combine(copy, "runs"), "*", SearchOption.AllDirectories)
                .ToDictionary(f => f, File.ReadAllBytes);
            var (code, stdout, stderr) = HarnessProcess.Run(dir, "run", straight.ConfigPath, "--output", "out", "--resume", "--verbose");
            Assert.True(code == 0, stdout + stderr);
            Assert.Equal(4, stdout.Split('\n').Count(l => l.Contains("already finished (summary.json exists), not retrained")));
            Assert.DoesNotContain(" epoch 1/", stdout);
            var after = Directory.GetFiles(Path.Combine(copy, "runs"), "*", SearchOption.AllDirectories);
            Assert.Equal(before.Keys.Order(), after.Order());
            foreach (var (file, bytes) in before) Assert.True(bytes.AsSpan().SequenceEqual(File.ReadAllBytes(file)), $"{file} changed");
            // The grid summary still lists every run.
            Assert.Equal(5, File.ReadAllLines(Path.Combine(copy, "summary.csv")).Length);

            // Without --resume or --force the folder is refused; a different experiment is refused even with --resume.
            var (refused, _, refusal) = HarnessProcess.Run(dir, "run", straight.ConfigPath, "--output", "out");
            Assert.Equal(2, refused);
            Assert.Contains("--resume to finish its unfinished runs", refusal);
            var (different, _, message) = HarnessProcess.Run(dir, "run", straight.ConfigPath, "--output", "out", "--resume", "--set", "training.epochs=11");
            Assert.Equal(2, different);
            Assert.Contains("different experiment", message);
            var (both, _, bothMessage) = HarnessProcess.Run(dir, "run", straight.ConfigPath, "--output", "out", "--resume", "--force");
            Assert.Equal(2, both);
            Assert.Contains("exclude each other", bothMessage);
        }
        finally { Directory.Delete(dir, true); }
    }

    static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}

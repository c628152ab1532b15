using Harness.Tests.Cli;
using Xunit;

namespace Harness.Tests.Reliability;

/// <summary>
/// Real processes colliding on one results folder, and --force on folders the harness did or did not write (issue 17,
/// items 1-3): one process writes a folder at a time, --force deletes only marked folders, and a setup error after
/// --force leaves the old results as they were.
/// </summary>
[Trait("Category", TestCategory.Slow)]
public class ResultsFolderSafetyTests
{
    const string Config = """
    {
      "name": "clash",
      "dataset": { "name": "digits", "trainLimit": 1000 },
      "model": { "kind": "mlp", "hidden": [32] },
      "training": { "epochs": 200, "batchSize": 16 },
      "seeds": [0, 1],
      "losses": [
        { "loss": "cross-entropy", "displayName": "CE" },
        { "loss": "mse", "displayName": "MSE", "activation": "softmax", "targetEncoding": "one-hot" }
      ]
    }
    """;

    const string Quick = """
    {
      "name": "quick",
      "dataset": { "name": "digits", "trainLimit": 200 },
      "model": { "kind": "mlp", "hidden": [8] },
      "training": { "epochs": 2, "batchSize": 32 },
      "seeds": [0],
      "losses": [ { "loss": "cross-entropy", "displayName": "CE" } ]
    }
    """;

    [Fact]
    public void A_second_process_on_a_folder_in_use_exits_2_naming_the_holder_and_the_first_finishes_intact()
    {
        using var temp = new TemporaryFolder();
        var dir = temp.Path;
        var config = temp.Write("clash.json", Config);
        var folder = Path.Combine(dir, "out", "clash");
        var firstOutput = new System.Text.StringBuilder();
        using var first = HarnessProcess.Start(dir, firstOutput, "run", config, "--output", "out");
        // Wait until the first process trains (it holds the lock from before it creates the folder).
        HarnessProcess.WaitUntil(first, () => File.Exists(Path.Combine(folder, "runs", "ce-seed0", "metrics.csv")));
        Assert.False(first.HasExited, "the first run finished before the second could collide with it; make the config slower");

        foreach (var extra in new[] { Array.Empty<string>(), ["--force"], ["--resume"] })
        {
            var (code, stdout, stderr) = HarnessProcess.Run(dir, ["run", config, "--output", "out", .. extra]);
            Assert.True(code == 2, $"{string.Join(" ", extra)}: exit {code}\n{stdout}{stderr}");
            Assert.Contains("in use by another harness process", stderr);
            Assert.Contains($"PID {first.Id} ", stderr);
            Assert.Contains("harness run", stderr);
            HarnessProcess.AssertNoStackTrace(stdout + stderr);
        }
        var (reportCode, reportOut, reportErr) = HarnessProcess.Run(dir, "report", folder);
        // The grid is long enough (200 epochs) to outlive these probes; if it did not, the probes proved nothing.
        Assert.False(first.HasExited, "the first run finished before every probe could collide with it; make the config slower");
        Assert.True(reportCode == 2, reportOut + reportErr);
        Assert.Contains($"PID {first.Id} ", reportErr);

        Assert.True(first.WaitForExit(TimeSpan.FromMinutes(5)));
        first.WaitForExit(); // the output's end
        Assert.True(first.ExitCode == 0, $"exit {first.ExitCode}\n{firstOutput}");
        // Nothing interleaved: every metrics.csv has its header and 200 epochs, once.
        foreach (var run in new[] { "ce-seed0", "ce-seed1", "mse-seed0", "mse-seed1" })
        {
            var lines = File.ReadAllLines(Path.Combine(folder, "runs", run, "metrics.csv"));
            Assert.Equal(201, lines.Length);
            Assert.Equal(Enumerable.Range(1, 200).Select(e => e.ToString()), lines.Skip(1).Select(l => l.Split(',')[0]));
        }
        // Released at exit: report and resume work afterwards.
        var report = HarnessProcess.Run(dir, "report", folder);
        Assert.True(report.ExitCode == 0, report.StdOut + report.StdErr);
        var resume = HarnessProcess.Run(dir, "run", config, "--output", "out", "--resume");
        Assert.True(resume.ExitCode == 0, resume.StdOut + resume.StdErr);
    }

    [Fact]
    public void Shards_of_one_grid_run_side_by_side_but_one_shard_runs_once()
    {
        using var temp = new TemporaryFolder();
        var dir = temp.Path;
        var config = temp.Write("clash.json", Config);
        var folder = Path.Combine(dir, "out", "clash");
        var firstOutput = new System.Text.StringBuilder();
        // Shard 1/2 holds ce-seed0 and ce-seed1 (plan index 0 and 2).
        using var first = HarnessProcess.Start(dir, firstOutput, "run", config, "--output", "out", "--shard", "1/2");
        HarnessProcess.WaitUntil(first, () => File.Exists(Path.Combine(folder, "runs", "ce-seed0", "metrics.csv")));
        Assert.False(first.HasExited, "shard 1/2 finished before the others could start beside it");

        // The other shard starts beside the first, which is still training; the same shard and a whole-grid run are refused.
        var secondOutput = new System.Text.StringBuilder();
        using var second = HarnessProcess.Start(dir, secondOutput, "run", config, "--output", "out", "--shard", "2/2");
        var same = HarnessProcess.Run(dir, "run", config, "--output", "out", "--shard", "1/2");
        Assert.True(same.ExitCode == 2, same.StdOut + same.StdErr);
        Assert.Contains("run 'ce-seed0'", same.StdErr);
        Assert.Contains($"PID {first.Id} ", same.StdErr);
        var whole = HarnessProcess.Run(dir, "run", config, "--output", "out", "--resume");
        Assert.True(whole.ExitCode == 2, whole.StdOut + whole.StdErr);
        Assert.False(first.HasExited, "shard 1/2 finished before shard 2/2 and the refused runs could start beside it");

        Assert.True(second.WaitForExit(TimeSpan.FromMinutes(5)));
        second.WaitForExit();
        Assert.True(second.ExitCode == 0, secondOutput.ToString());
        Assert.True(first.WaitForExit(TimeSpan.FromMinutes(5)));
        first.WaitForExit();
        Assert.True(first.ExitCode == 0, $"exit {first.ExitCode}\n{firstOutput}");
        var report = HarnessProcess.Run(dir, "report", folder);
        Assert.True(report.ExitCode == 0, report.StdOut + report.StdErr);
        Assert.Empty(System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "report.json")))!["missing"]!.AsArray());
    }

    [Fact]
    public void A_killed_holder_leaves_no_stale_lock()
    {
        using var temp = new TemporaryFolder();
        var dir = temp.Path;
        var config = temp.Write("clash.json", Config);
        var folder = Path.Combine(dir, "out", "clash");
        using (var first = HarnessProcess.Start(dir, new System.Text.StringBuilder(), "run", config, "--output", "out"))
        {
            HarnessProcess.WaitUntil(first, () => File.Exists(Path.Combine(folder, "runs", "ce-seed0", "metrics.csv")));
            first.Kill(entireProcessTree: true);
            first.WaitForExit();
        }
        var resume = HarnessProcess.Run(dir, "run", config, "--output", "out", "--resume", "--set", "training.epochs=200");
        Assert.True(resume.ExitCode == 0, resume.StdOut + resume.StdErr);
    }

    [Fact]
    public void Force_refuses_a_folder_the_harness_did_not_create()
    {
        using var temp = new TemporaryFolder();
        var dir = temp.Path;
        var config = temp.Write("quick.json", Quick);
        var folder = Path.Combine(dir, "out", "quick");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "mine.txt"), "k\n");
        var (code, stdout, stderr) = HarnessProcess.Run(dir, "run", config, "--output", "out", "--force");
        Assert.True(code == 2, stdout + stderr);
        Assert.Contains(folder, stderr);
        Assert.Contains("not created by the harness", stderr);
        HarnessProcess.AssertNoStackTrace(stdout + stderr);
        Assert.Equal("k\n", File.ReadAllText(Path.Combine(folder, "mine.txt")));
        Assert.Single(Directory.GetFileSystemEntries(folder));
    }

    [Fact]
    public void Force_replaces_a_folder_the_harness_created()
    {
        using var temp = new TemporaryFolder();
        var dir = temp.Path;
        var config = temp.Write("quick.json", Quick);
        var folder = Path.Combine(dir, "out", "quick");
        Assert.Equal(0, HarnessProcess.Run(dir, "run", config, "--output", "out").ExitCode);
        File.WriteAllText(Path.Combine(folder, "stale.txt"), "old");
        var (code, stdout, stderr) = HarnessProcess.Run(dir, "run", config, "--output", "out", "--force");
        Assert.True(code == 0, stdout + stderr);
        Assert.False(File.Exists(Path.Combine(folder, "stale.txt")));
        Assert.True(File.Exists(Path.Combine(folder, ".harness-results")));
        // Nothing left aside: the old results went once the first run finished.
        Assert.Empty(Directory.GetDirectories(Path.Combine(dir, "out"), ".quick.replaced-*"));
    }

    [Fact]
    public void A_setup_error_after_force_leaves_the_old_results_intact()
    {
        using var temp = new TemporaryFolder();
        var dir = temp.Path;
        // 14x14 IDX images: an MLP trains on them, a CNN (sides divisible by 4) cannot.
        var idx = Path.Combine(dir, "idx");
        IdxFiles.Write(idx, rows: 14, cols: 14, train: 120, test: 40);
        var config = temp.Write("img.json", $$"""
        {
          "name": "img",
          "dataset": { "name": "mnist", "root": "{{idx}}" },
          "model": { "kind": "mlp", "hidden": [8] },
          "training": { "epochs": 1, "batchSize": 32 },
          "seeds": [0],
          "losses": [ { "loss": "cross-entropy", "displayName": "CE" } ]
        }
        """);
        var first = HarnessProcess.Run(dir, "run", config, "--output", "out");
        Assert.True(first.ExitCode == 0, first.StdOut + first.StdErr);
        var folder = Path.Combine(dir, "out", "img");
        var before = FolderSnapshot.Of(folder);

        var (code, stdout, stderr) = HarnessProcess.Run(dir, "run", config, "--output", "out", "--force", "--set", "model.kind=cnn");
        Assert.True(code == 2, stdout + stderr);
        Assert.Contains("divisible by 4", stderr);
        HarnessProcess.AssertNoStackTrace(stdout + stderr);
        var after = FolderSnapshot.Of(folder);
        FolderSnapshot.AssertSame(before, after);
        Assert.Empty(Directory.GetDirectories(Path.Combine(dir, "out"), ".img.replaced-*"));
    }
}

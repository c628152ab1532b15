using System.Text.Json.Nodes;
using Harness.Experiments;
using Harness.Tests.Cli;
using Xunit;

namespace Harness.Tests.Reliability;

/// <summary>
/// The ends of issue 17 that need the real CLI or a killed process: a run that fails inside libtorch gives exit 3
/// through the command line; <c>--force --shard</c> moves only that shard's runs aside; and what a killed
/// <c>--force</c> left aside is settled by the next process that holds the folder, by the rule a live run follows.
/// </summary>
[Trait("Category", TestCategory.Slow)]
public class ForceAndFailureTests
{
    const string Quick = """
    {
      "name": "quick",
      "dataset": { "name": "digits", "trainLimit": 200 },
      "model": { "kind": "mlp", "hidden": [8] },
      "training": { "epochs": 2, "batchSize": 32 },
      "seeds": [0, 1],
      "losses": [ { "loss": "cross-entropy", "displayName": "CE" }, { "loss": "nll", "displayName": "NLL", "activation": "log-softmax" } ]
    }
    """;

    /// <summary>The same experiment name, slow enough to be killed mid-run (each run trains for seconds).</summary>
    const string Slow = """
    {
      "name": "quick",
      "dataset": { "name": "digits", "trainLimit": 1000 },
      "model": { "kind": "mlp", "hidden": [32] },
      "training": { "epochs": 150, "batchSize": 16 },
      "seeds": [0, 1],
      "losses": [ { "loss": "cross-entropy", "displayName": "CE" } ]
    }
    """;

    /// <summary>The quick experiment run to the end in <paramref name="temp"/>: its config file and its results folder.</summary>
    static (string Config, string Folder) RunQuick(TemporaryFolder temp)
    {
        var config = temp.Write("quick.json", Quick);
        var (code, stdout, stderr) = HarnessProcess.Run(temp.Path, "run", config, "--output", "out");
        Assert.True(code == 0, $"exit {code}\n{stdout}{stderr}");
        return (config, Path.Combine(temp.Path, "out", "quick"));
    }

    static string[] Asides(string dir) => Directory.GetDirectories(Path.Combine(dir, "out"), ".quick.replaced-*");

    [Fact]
    public void A_run_that_libtorch_rejects_exits_3_through_the_cli_and_resume_retries_it()
    {
        using var temp = new TemporaryFolder();
        var dir = temp.Path;
        // A learning rate of 1e38 is a float32, so validation lets it through; Adam's step then overflows float
        // inside libtorch ("value cannot be converted to type float without overflow"), in those runs only.
        var config = temp.Write("quick.json", Quick);
        string[] args =
            ["run", config, "--output", "out", "--set", "seeds=[0]", "--set", "tuning.learningRates=[1e-3,1e38]", "--set", "tuning.seeds=[100]"];
        var (code, stdout, stderr) = HarnessProcess.Run(dir, args);
        Assert.True(code == 3, $"exit {code}\n{stdout}{stderr}");
        HarnessProcess.AssertNoStackTrace(stdout + stderr);
        Assert.Contains("2 run(s) failed", stderr);
        var folder = Path.Combine(dir, "out", "quick");
        var failed = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "runs", "tuning", "ce-lr1e+38-seed100", "summary.json")))!;
        Assert.Equal("failed", (string?)failed["status"]);
        Assert.Contains("overflow", (string?)failed["error"]);
        // The grid went on: the other rate's tuning runs finished, and the report was written.
        Assert.True(File.Exists(Path.Combine(folder, "runs", "tuning", "ce-lr0.001-seed100", "summary.json")));
        Assert.True(File.Exists(Path.Combine(folder, "report.md")));

        var resume = HarnessProcess.Run(dir, [.. args, "--resume"]);
        Assert.True(resume.ExitCode == 3, $"exit {resume.ExitCode}\n{resume.StdOut}{resume.StdErr}");
        Assert.Contains("error: run 'tuning/ce-lr1e+38-seed100' failed", resume.StdErr); // retried, not skipped
        HarnessProcess.AssertNoStackTrace(resume.StdOut + resume.StdErr);
    }

    [Fact]
    public void Force_on_a_shard_replaces_only_that_shards_runs_and_leaves_nothing_aside()
    {
        using var temp = new TemporaryFolder();
        var dir = temp.Path;
        var config = temp.Write("quick.json", Quick);
        foreach (var shard in new[] { "1/2", "2/2" })
            Assert.Equal(0, HarnessProcess.Run(dir, "run", config, "--output", "out", "--shard", shard).ExitCode);
        var folder = Path.Combine(dir, "out", "quick");
        // Shard 2/2 holds plan indices 1 and 3: nll-seed0 and nll-seed1.
        var otherShard = FolderSnapshot.Of(Path.Combine(folder, "runs", "nll-seed0"));
        File.WriteAllText(Path.Combine(folder, "runs", "ce-seed0", "stale.txt"), "old");

        var (code, stdout, stderr) = HarnessProcess.Run(dir, "run", config, "--output", "out", "--shard", "1/2", "--force");
        Assert.True(code == 0, stdout + stderr);
        Assert.False(File.Exists(Path.Combine(folder, "runs", "ce-seed0", "stale.txt")));
        Assert.True(File.Exists(Path.Combine(folder, "runs", "ce-seed0", "summary.json")));
        var after = FolderSnapshot.Of(Path.Combine(folder, "runs", "nll-seed0"));
        FolderSnapshot.AssertSame(otherShard, after);
        Assert.Empty(Asides(dir));
    }

    [Fact]
    public void A_shard_whose_forced_runs_never_finish_gets_its_old_runs_back()
    {
        using var temp = new TemporaryFolder();
        var dir = temp.Path;
        var (_, folder) = RunQuick(temp);
        var before = FolderSnapshot.Of(folder);

        var replaced = ReplacedResults.MoveRunsAside(folder, ["ce-seed0", "ce-seed1", "never-ran"])!;
        Assert.False(Directory.Exists(Path.Combine(folder, "runs", "ce-seed0")));
        Assert.True(Directory.Exists(Path.Combine(folder, "runs", "nll-seed0"))); // not this shard's
        Directory.CreateDirectory(Path.Combine(folder, "runs", "ce-seed0"));
        File.WriteAllText(Path.Combine(folder, "runs", "ce-seed0", "metrics.csv"), "half-written");
        replaced.Restore();

        var after = FolderSnapshot.Of(folder);
        FolderSnapshot.AssertSame(before, after);
        Assert.Empty(Asides(dir));
    }

    [Fact]
    public void What_a_killed_shard_force_left_aside_comes_back_unless_the_run_finished_again()
    {
        using var temp = new TemporaryFolder();
        var dir = temp.Path;
        var (_, folder) = RunQuick(temp);
        var before = FolderSnapshot.Of(Path.Combine(folder, "runs", "ce-seed0"));
        var oldSeed1 = File.ReadAllText(Path.Combine(folder, "runs", "ce-seed1", "summary.json"));

        // A --force --shard process moved its runs aside, finished ce-seed1 again, was killed in ce-seed0.
        ReplacedResults.MoveRunsAside(folder, ["ce-seed0", "ce-seed1"]);
        Directory.CreateDirectory(Path.Combine(folder, "runs", "ce-seed0"));
        File.WriteAllText(Path.Combine(folder, "runs", "ce-seed0", "metrics.csv"), "half-written");
        Directory.CreateDirectory(Path.Combine(folder, "runs", "ce-seed1"));
        var newSeed1 = oldSeed1.Replace("\"seed\"", "\"seed\" ");
        File.WriteAllText(Path.Combine(folder, "runs", "ce-seed1", "summary.json"), newSeed1);

        var notices = ReplacedResults.SettleAbandoned(folder);
        Assert.Contains("1 of 2 came back", Assert.Single(notices));
        var after = FolderSnapshot.Of(Path.Combine(folder, "runs", "ce-seed0"));
        FolderSnapshot.AssertSame(before, after);
        Assert.Equal(newSeed1, File.ReadAllText(Path.Combine(folder, "runs", "ce-seed1", "summary.json")));
        Assert.Empty(Asides(dir));
    }

    /// <summary>Starts <c>run --force</c> on the slow config and kills it once <paramref name="ready"/> holds.</summary>
    static void KillForcedRun(string dir, string slowConfig, Func<bool> ready)
    {
        using var p = HarnessProcess.Start(dir, new System.Text.StringBuilder(), "run", slowConfig, "--output", "out", "--force", "--quiet");
        HarnessProcess.WaitUntil(p, ready);
        Assert.False(p.HasExited, "the forced run finished before it could be killed; make the slow config slower");
        p.Kill(entireProcessTree: true);
        p.WaitForExit();
    }

    [Fact]
    public void Old_results_a_killed_force_moved_aside_come_back_at_the_next_command_if_no_new_run_finished()
    {
        using var temp = new TemporaryFolder();
        var dir = temp.Path;
        var (config, folder) = RunQuick(temp);
        var before = FolderSnapshot.Of(Path.Combine(folder, "runs"));

        KillForcedRun(dir, temp.Write("slow.json", Slow),
            () => Asides(dir).Length == 1 && File.Exists(Path.Combine(folder, "runs", "ce-seed0", "metrics.csv")));
        Assert.Single(Asides(dir));

        var (code, stdout, stderr) = HarnessProcess.Run(dir, "run", config, "--output", "out", "--resume");
        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("they are back", stderr);
        Assert.Empty(Asides(dir));
        var after = FolderSnapshot.Of(Path.Combine(folder, "runs"));
        FolderSnapshot.AssertSame(before, after);
    }

    [Fact]
    public void Old_results_a_killed_force_moved_aside_are_deleted_at_the_next_command_once_a_new_run_finished()
    {
        using var temp = new TemporaryFolder();
        var dir = temp.Path;
        var (_, folder) = RunQuick(temp);
        var slow = temp.Write("slow.json", Slow);

        // Killed while the aside still waits: here, before its Commit ran, simulated by a finished summary appearing
        // (the real process deletes the aside right after its first run, so the kill must come from outside the window).
        KillForcedRun(dir, slow, () => Asides(dir).Length == 1 && File.Exists(Path.Combine(folder, "runs", "ce-seed0", "metrics.csv")));
        Assert.Single(Asides(dir));
        var finished = Path.Combine(folder, "runs", "ce-seed0", "summary.json");
        File.WriteAllText(finished, """{ "run": "ce-seed0", "status": "finished" }""");

        var report = HarnessProcess.Run(dir, "report", folder);
        HarnessProcess.AssertNoStackTrace(report.StdOut + report.StdErr);
        Assert.Contains("had finished runs", report.StdErr);
        Assert.Empty(Asides(dir));
        Assert.False(File.Exists(Path.Combine(folder, "runs", "nll-seed0", "summary.json"))); // the old experiment's run is gone
    }
}

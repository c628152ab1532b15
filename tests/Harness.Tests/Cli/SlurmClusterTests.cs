using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Xunit;
using Xunit.Abstractions;

namespace Harness.Tests.Cli;

/// <summary>
/// experiments/jobs/slurm-array.sbatch on a real Slurm: a single-node cluster that experiments/jobs/slurm-local.sh
/// starts on this machine runs the quickstart (shortened) as an array of 2 shards, then the second array that
/// finishes evaluation runs left waiting for tuning, and `harness report` on the merged folder gives the
/// single-process report. It skips where the cluster cannot run (not root, no apt-get, packages not installable,
/// ports taken); a job file or cluster script that is broken fails it.
/// </summary>
[Trait("Category", TestCategory.Slow)]
public partial class SlurmClusterTests(ITestOutputHelper output)
{
    /// <summary>A port pair of its own, so that the test neither meets nor stops a cluster a user started with the defaults.</summary>
    const string Port = "16817";

    static readonly string JobsFolder = Path.Combine(RepositoryPaths.Root, "experiments", "jobs");

    /// <summary>The quickstart at 2 epochs, 2 seeds, 2 candidate rates on 1 tuning seed: 16 runs, seconds each.</summary>
    static readonly string[] Shortened =
    [
        "--set", "training.epochs=2", "--set", "seeds=[0,1]",
        "--set", "tuning.learningRates=[0.001,0.01]", "--set", "tuning.seeds=[100]",
    ];

    [SkippableFact]
    public void The_quickstart_as_a_Slurm_array_merges_into_the_single_process_report()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "slurm-local.sh starts Debian's Slurm: Linux only");
        var clock = Stopwatch.StartNew();
        var dir = HarnessProcess.TempFolder();
        var env = new Dictionary<string, string>
        {
            ["HARNESS_SLURM_DIR"] = Path.Combine(dir, "slurm"),
            ["HARNESS_SLURM_PORT"] = Port,
            ["SLURM_CONF"] = Path.Combine(dir, "slurm", "slurm.conf"),
            ["HARNESS"] = "dotnet " + Path.Combine(AppContext.BaseDirectory, "harness.dll"),
        };
        try
        {
            var start = ExternalProcess.Run(dir, env, TimeSpan.FromMinutes(10), "bash", Path.Combine(JobsFolder, "slurm-local.sh"), "start");
            Skip.If(start.ExitCode == 3, start.StdErr.Trim());
            Assert.True(start.ExitCode == 0, "slurm-local.sh start failed:\n" + start.StdOut + start.StdErr);
            output.WriteLine($"cluster up after {clock.Elapsed.TotalSeconds:0} s");

            // As the job file's header says: the array, then a second one with --resume once the first has ended.
            // One CPU per task so that both shards of each array run at once on 2 cores.
            var config = Path.Combine(RepositoryPaths.Root, "experiments", "quickstart.json");
            var first = Submit(dir, env, [], config);
            var second = Submit(dir, env, [$"--dependency=afterok:{first}"], config, "--resume");

            // The single-process run of the same grid, while the cluster works (each run has its own one thread).
            var whole = HarnessProcess.Run(dir, ["run", config, "--output", "whole", .. Shortened]);
            Assert.True(whole.ExitCode == 0, whole.StdOut + whole.StdErr);

            AssertCompleted(dir, env, first);
            AssertCompleted(dir, env, second);
            output.WriteLine($"both arrays done after {clock.Elapsed.TotalSeconds:0} s");
            for (int k = 1; k <= 2; k++)
                Assert.Contains($"shard {k}/2", File.ReadAllText(Path.Combine(dir, $"slurm-loss-harness-{first}_{k}.out")));

            var report = HarnessProcess.Run(dir, "report", Path.Combine("parts", "quickstart"));
            Assert.True(report.ExitCode == 0, report.StdOut + report.StdErr);
            var merged = ShardedGridTests.Comparable(File.ReadAllText(Path.Combine(dir, "parts", "quickstart", "report.json")));
            var single = ShardedGridTests.Comparable(File.ReadAllText(Path.Combine(dir, "whole", "quickstart", "report.json")));
            Assert.Empty(merged["missing"]!.AsArray());
            Assert.Equal(single.ToJsonString(), merged.ToJsonString());
        }
        finally
        {
            var stop = ExternalProcess.Run(dir, env, TimeSpan.FromMinutes(2), "bash", Path.Combine(JobsFolder, "slurm-local.sh"), "stop");
            output.WriteLine(stop.StdOut + stop.StdErr);
            output.WriteLine($"whole test: {clock.Elapsed.TotalSeconds:0} s");
            Directory.Delete(dir, true);
        }
    }

    /// <summary>Submits slurm-array.sbatch as an array of 2 into `parts`; the job id.</summary>
    static string Submit(string dir, Dictionary<string, string> env, string[] sbatchOptions, string config, params string[] harnessOptions)
    {
        string[] args =
        [
            "--parsable", "--array=1-2", "--cpus-per-task=1", "--mem=2G", .. sbatchOptions,
            Path.Combine(JobsFolder, "slurm-array.sbatch"), config, "parts", .. harnessOptions, .. Shortened,
        ];
        var (code, stdout, stderr) = ExternalProcess.Run(dir, env, TimeSpan.FromMinutes(1), "sbatch", args);
        Assert.True(code == 0, "sbatch failed:\n" + stdout + stderr);
        return stdout.Trim().Split(';')[0];
    }

    /// <summary>
    /// Polls squeue until the array has left the queue, then requires every task to have completed with exit code 0.
    /// Polling rather than `sbatch --wait`, whose back-off sleeps add up to half a minute per array.
    /// </summary>
    static void AssertCompleted(string dir, Dictionary<string, string> env, string job)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var queue = ExternalProcess.Run(dir, env, TimeSpan.FromMinutes(1), "squeue", "-h", "-j", job, "-o", "%i %T %r");
            Assert.True(queue.ExitCode == 0, $"squeue -j {job} failed:\n{queue.StdErr}\n{Diagnostics(dir, env)}");
            if (queue.StdOut.Trim().Length == 0) break;
            Assert.True(deadline.Elapsed < TimeSpan.FromMinutes(5), $"array {job} still queued after 5 minutes:\n{queue.StdOut}\n{Diagnostics(dir, env)}");
            Thread.Sleep(500);
        }
        var show = ExternalProcess.Run(dir, env, TimeSpan.FromMinutes(1), "scontrol", "-o", "show", "job", job);
        var tasks = show.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => (Task: TaskId().Match(l).Groups[1].Value, State: State().Match(l).Groups[1].Value, Exit: ExitCode().Match(l).Groups[1].Value))
            .ToList();
        Assert.True(tasks.Count == 2 && tasks.All(t => t.State == "COMPLETED" && t.Exit == "0:0"),
            $"array {job}: {string.Join(", ", tasks.Select(t => $"task {t.Task} {t.State} exit {t.Exit}"))}\n{show.StdErr}\n{Diagnostics(dir, env)}");
    }

    /// <summary>What a person would look at when an array fails: the tasks' output files and the daemons' logs.</summary>
    static string Diagnostics(string dir, Dictionary<string, string> env)
    {
        var text = new StringBuilder();
        foreach (var file in Directory.GetFiles(dir, "slurm-*.out").Order())
            text.Append($"--- {Path.GetFileName(file)}\n{File.ReadAllText(file)}\n");
        var logs = Path.Combine(env["HARNESS_SLURM_DIR"], "log");
        if (Directory.Exists(logs))
            foreach (var file in Directory.GetFiles(logs, "*.log").Order())
                text.Append($"--- {file} (last lines)\n{string.Join("\n", File.ReadLines(file).TakeLast(15))}\n");
        return text.ToString();
    }

    [GeneratedRegex(@"ArrayTaskId=(\S+)")] private static partial Regex TaskId();
    [GeneratedRegex(@"JobState=(\S+)")] private static partial Regex State();
    [GeneratedRegex(@"ExitCode=(\S+)")] private static partial Regex ExitCode();
}

using Harness.Tests.Resume;
using Harness.Tests.Sinks;
using Xunit;

namespace Harness.Tests.Cli;

/// <summary>
/// <c>harness run --jobs N</c> (issue 19): N runs at a time on threads of one process give the same results as one at a
/// time, bit for bit outside the timing columns, tuning and shards included; failures and bad arguments end as they do
/// without it.
/// </summary>
[Trait("Category", TestCategory.Slow)]
public class ParallelRunTests
{
    const string Tuned = """
    {
      "name": "par",
      "dataset": { "name": "digits", "trainLimit": 300 },
      "model": { "kind": "mlp", "hidden": [16] },
      "training": { "epochs": 3, "batchSize": 32 },
      "seeds": [0, 1],
      "tuning": { "learningRates": [1e-3, 1e-2], "seeds": [100] },
      "threads": 1,
      "losses": [
        { "loss": "cross-entropy", "displayName": "CE" },
        { "loss": "focal", "displayName": "Focal", "options": { "gamma": 2 } },
        { "loss": "multi-margin", "displayName": "Hinge" }
      ]
    }
    """;

    static IEnumerable<string> RunFiles(string folder, string name) =>
        Directory.EnumerateFiles(Path.Combine(folder, "runs"), name, SearchOption.AllDirectories).Select(f => Path.GetRelativePath(folder, f)).Order();

    [Fact]
    public void Two_workers_train_every_run_as_one_process_does_and_write_one_report()
    {
        var dir = HarnessProcess.TempFolder();
        try
        {
            var config = Path.Combine(dir, "par.json");
            File.WriteAllText(config, Tuned);
            var one = HarnessProcess.Run(dir, "run", config, "--output", "one");
            Assert.True(one.ExitCode == 0, one.StdOut + one.StdErr);
            // The config's jobs, as --jobs would (its workers are shards, which leave it alone).
            var two = HarnessProcess.Run(dir, "run", config, "--output", "two", "--set", "jobs=2");
            Assert.True(two.ExitCode == 0, two.StdOut + two.StdErr);
            Assert.Contains("2 at once", two.StdOut);

            string a = Path.Combine(dir, "one", "par"), b = Path.Combine(dir, "two", "par");
            var runs = RunFiles(a, "metrics.csv").ToList();
            Assert.Equal(12, runs.Count); // 6 tuning + 6 evaluation runs
            Assert.Equal(runs, RunFiles(b, "metrics.csv"));
            foreach (var run in runs)
                Assert.Equal(UntimedMetricsCsv.Of(File.ReadAllText(Path.Combine(a, run))), UntimedMetricsCsv.Of(File.ReadAllText(Path.Combine(b, run))));
            foreach (var summary in RunFiles(a, "summary.json"))
                Assert.Equal(ResumeTests.UntimedSummary(File.ReadAllText(Path.Combine(a, summary))),
                    ResumeTests.UntimedSummary(File.ReadAllText(Path.Combine(b, summary))));
            Assert.True(File.Exists(Path.Combine(b, "report.md")));

            // A shard of a cluster's array job may train its runs at once too.
            var shard = HarnessProcess.Run(dir, "run", config, "--output", "shard", "--shard", "1/2", "--jobs", "2");
            Assert.True(shard.ExitCode == 0, shard.StdOut + shard.StdErr);
            string c = Path.Combine(dir, "shard", "par");
            var shardRuns = RunFiles(c, "metrics.csv").ToList();
            Assert.NotEmpty(shardRuns);
            foreach (var run in shardRuns)
                Assert.Equal(UntimedMetricsCsv.Of(File.ReadAllText(Path.Combine(a, run))), UntimedMetricsCsv.Of(File.ReadAllText(Path.Combine(c, run))));

            // The folder is an ordinary results folder: a sequential --resume finds nothing left to train.
            var resume = HarnessProcess.Run(dir, "run", config, "--output", "two", "--resume");
            Assert.True(resume.ExitCode == 0, resume.StdOut + resume.StdErr);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void A_failing_run_in_a_worker_gives_exit_3_and_bad_job_counts_exit_2()
    {
        var dir = HarnessProcess.TempFolder();
        try
        {
            var config = Path.Combine(dir, "par.json");
            File.WriteAllText(config, Tuned);
            // 1e38 is a float32, so validation passes it; Adam's step overflows inside libtorch in those runs only.
            var failing = HarnessProcess.Run(dir, "run", config, "--output", "out", "--jobs", "2", "--set", "tuning.learningRates=[1e-3,1e38]");
            Assert.True(failing.ExitCode == 3, failing.StdOut + failing.StdErr);
            Assert.Contains("3 run(s) failed", failing.StdErr);
            Assert.DoesNotContain("   at ", failing.StdOut + failing.StdErr);

            foreach (var (args, message) in new (string[], string)[]
            {
                (["--jobs", "0"], "--jobs 0: pass a whole number from 1 to 256, or auto"),
                (["--jobs", "two"], "--jobs two"),
                (["--set", "jobs=-1"], "jobs: -1 is out of range; valid: 0 (auto"),
            })
            {
                var (code, stdout, stderr) = HarnessProcess.Run(dir, ["run", config, "--output", "bad", .. args]);
                Assert.True(code == 2, $"{string.Join(" ", args)}: exit {code}\n{stdout}{stderr}");
                Assert.Contains(message, stderr);
                Assert.False(Directory.Exists(Path.Combine(dir, "bad")));
            }
        }
        finally { Directory.Delete(dir, true); }
    }
}

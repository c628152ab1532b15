using System.Text;
using System.Text.Json.Nodes;
using Xunit;

namespace Harness.Tests.Cli;

/// <summary>
/// <c>--wait-for-tuning</c>: shards of a tuned grid that start together finish it in one pass (each waits for the other
/// shards' tuning runs before choosing the rates), and the merged report equals one process's; a shard alone stops
/// waiting at its limit and leaves its evaluation runs for --resume, as without the option.
/// </summary>
[Trait("Category", TestCategory.Slow)]
public class ShardTuningWaitTests
{
    const string Config = """
    {
      "name": "tuned",
      "dataset": { "name": "digits", "trainLimit": 200 },
      "model": { "kind": "mlp", "hidden": [8] },
      "training": { "epochs": 2, "batchSize": 32 },
      "seeds": [0, 1],
      "tuning": { "learningRates": [1e-3, 1e-2], "seeds": [100, 101] },
      "losses": [
        { "loss": "cross-entropy", "displayName": "CE" },
        { "loss": "focal", "displayName": "focal" }
      ]
    }
    """;

    [Fact]
    public void Shards_started_together_finish_a_tuned_grid_in_one_pass()
    {
        var dir = HarnessProcess.TempFolder();
        try
        {
            var config = Path.Combine(dir, "tuned.json");
            File.WriteAllText(config, Config);
            var whole = HarnessProcess.Run(dir, "run", config, "--output", "whole");
            Assert.True(whole.ExitCode == 0, whole.StdOut + whole.StdErr);

            var outputs = new[] { new StringBuilder(), new StringBuilder() };
            var shards = Enumerable.Range(0, 2).Select(k => HarnessProcess.Start(dir, outputs[k],
                "run", config, "--output", "parts", "--shard", $"{k + 1}/2", "--wait-for-tuning", "5m", "--no-report")).ToList();
            foreach (var p in shards)
            {
                Assert.True(p.WaitForExit(TimeSpan.FromMinutes(5)), "a shard did not finish in 5 minutes");
                p.WaitForExit();
            }
            for (int k = 0; k < 2; k++)
            {
                Assert.True(shards[k].ExitCode == 0, outputs[k].ToString());
                Assert.DoesNotContain("its evaluation runs wait", outputs[k].ToString());
                shards[k].Dispose();
            }

            var report = HarnessProcess.Run(dir, "report", Path.Combine("parts", "tuned"));
            Assert.True(report.ExitCode == 0, report.StdOut + report.StdErr);
            var merged = ShardedGridTests.Comparable(File.ReadAllText(Path.Combine(dir, "parts", "tuned", "report.json")));
            Assert.Empty(merged["missing"]!.AsArray());
            Assert.Equal(ShardedGridTests.Comparable(File.ReadAllText(Path.Combine(dir, "whole", "tuned", "report.json"))).ToJsonString(),
                merged.ToJsonString());
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void A_shard_alone_stops_waiting_at_its_limit_and_leaves_evaluation_for_resume()
    {
        var dir = HarnessProcess.TempFolder();
        try
        {
            var config = Path.Combine(dir, "tuned.json");
            File.WriteAllText(config, Config);
            var (code, stdout, stderr) = HarnessProcess.Run(dir, "run", config, "--output", "parts", "--shard", "1/2", "--wait-for-tuning", "2s");
            Assert.True(code == 0, stdout + stderr);
            Assert.Contains("waiting for 4 tuning runs of other shards", stdout);
            Assert.Contains("stopped waiting after 2 s: 4 tuning runs of other shards have not ended", stdout);
            // Shard 1 holds every tuning run of CE and none of focal's: CE's evaluation runs train, focal's wait.
            Assert.Contains("focal: 4 of its 4 tuning runs are not finished", stderr);
            Assert.Contains("its evaluation runs wait: run again with --resume", stderr);
            var json = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "parts", "tuned", "report.json")))!;
            Assert.Equal(["focal"], json["missing"]!.AsArray().Select(m => (string)m!["loss"]!).Distinct());
        }
        finally { Directory.Delete(dir, true); }
    }

    [Theory]
    [InlineData("30", "--wait-for-tuning '30' is not valid")]
    [InlineData("0m", "--wait-for-tuning '0m' is not valid")]
    [InlineData("1.5h", "--wait-for-tuning '1.5h' is not valid")]
    [InlineData("soon", "--wait-for-tuning 'soon' is not valid")]
    public void Bad_durations_exit_2_before_writing(string duration, string message)
    {
        var dir = HarnessProcess.TempFolder();
        try
        {
            var config = Path.Combine(dir, "tuned.json");
            File.WriteAllText(config, Config);
            var (code, _, stderr) = HarnessProcess.Run(dir, "run", config, "--output", "out", "--shard", "1/2", "--wait-for-tuning", duration);
            Assert.Equal(2, code);
            Assert.Contains(message, stderr);
            HarnessProcess.AssertNoStackTrace(stderr);
            Assert.False(Directory.Exists(Path.Combine(dir, "out")));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Waiting_without_a_shard_exits_2()
    {
        var dir = HarnessProcess.TempFolder();
        try
        {
            var config = Path.Combine(dir, "tuned.json");
            File.WriteAllText(config, Config);
            var (code, _, stderr) = HarnessProcess.Run(dir, "run", config, "--output", "out", "--wait-for-tuning", "30m");
            Assert.Equal(2, code);
            Assert.Contains("--wait-for-tuning waits for the tuning runs of other shards: it needs --shard k/n.", stderr);
            Assert.False(Directory.Exists(Path.Combine(dir, "out")));
        }
        finally { Directory.Delete(dir, true); }
    }
}

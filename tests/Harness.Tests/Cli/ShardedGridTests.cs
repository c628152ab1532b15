using System.Text.Json.Nodes;
using Xunit;

namespace Harness.Tests.Cli;

/// <summary>
/// A grid run as 3 shards in separate processes, merged by `harness report`, gives the same report as one process
/// running the whole grid (timings aside).
/// </summary>
[Trait("Category", TestCategory.Slow)]
public class ShardedGridTests
{
    const string Config = """
    {
      "name": "sharded",
      "dataset": { "name": "digits", "trainLimit": 200 },
      "model": { "kind": "mlp", "hidden": [8] },
      "training": { "epochs": 2, "batchSize": 32 },
      "seeds": [0, 1],
      "losses": [
        { "loss": "cross-entropy", "displayName": "CE" },
        { "loss": "multi-margin", "displayName": "hinge" },
        { "loss": "focal", "displayName": "focal" }
      ]
    }
    """;

    /// <summary>report.json without what legitimately differs between the two ways of running: timings, paths, commands.</summary>
    internal static JsonNode Comparable(string reportJson)
    {
        var node = JsonNode.Parse(reportJson)!;
        node.AsObject().Remove("experimentInfo");
        node.AsObject().Remove("plots");
        foreach (var loss in node["losses"]!.AsArray())
            loss!["metrics"]!.AsObject().Remove("secondsToTarget");
        return node;
    }

    [Fact]
    public void Three_shards_in_separate_processes_merge_into_the_single_process_report()
    {
        var dir = HarnessProcess.TempFolder();
        try
        {
            var config = Path.Combine(dir, "sharded.json");
            File.WriteAllText(config, Config);
            var (code, stdout, stderr) = HarnessProcess.Run(dir, "run", config, "--output", "whole");
            Assert.True(code == 0, stdout + stderr);

            for (int k = 1; k <= 3; k++)
            {
                var shard = HarnessProcess.Run(dir, "run", config, "--output", "parts", "--shard", $"{k}/3");
                Assert.True(shard.ExitCode == 0, shard.StdOut + shard.StdErr);
                Assert.Contains($"shard {k}/3: 2 of them", shard.StdOut);
            }
            // Each shard ran only its cells: plan index i belongs to shard (i mod 3) + 1.
            var runs = Directory.GetDirectories(Path.Combine(dir, "parts", "sharded", "runs")).Select(d => Path.GetFileName(d)!).Order().ToArray();
            Assert.Equal(["ce-seed0", "ce-seed1", "focal-seed0", "focal-seed1", "hinge-seed0", "hinge-seed1"], runs);

            var report = HarnessProcess.Run(dir, "report", Path.Combine("parts", "sharded"));
            Assert.True(report.ExitCode == 0, report.StdOut + report.StdErr);
            var merged = Comparable(File.ReadAllText(Path.Combine(dir, "parts", "sharded", "report.json")));
            var whole = Comparable(File.ReadAllText(Path.Combine(dir, "whole", "sharded", "report.json")));
            Assert.Equal(whole.ToJsonString(), merged.ToJsonString());
            Assert.Empty(merged["missing"]!.AsArray());
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void A_report_on_an_unfinished_grid_lists_the_missing_cells()
    {
        var dir = HarnessProcess.TempFolder();
        try
        {
            var config = Path.Combine(dir, "sharded.json");
            File.WriteAllText(config, Config);
            Assert.Equal(0, HarnessProcess.Run(dir, "run", config, "--output", "parts", "--shard", "2/3").ExitCode);
            var report = HarnessProcess.Run(dir, "report", Path.Combine("parts", "sharded"));
            Assert.True(report.ExitCode == 0, report.StdOut + report.StdErr);
            var json = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "parts", "sharded", "report.json")))!;
            Assert.Equal(4, json["missing"]!.AsArray().Count);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Theory]
    [InlineData("0/3")]
    [InlineData("4/3")]
    [InlineData("1/0")]
    [InlineData("two")]
    public void Shard_values_out_of_range_exit_2_before_writing(string shard)
    {
        var dir = HarnessProcess.TempFolder();
        try
        {
            var config = Path.Combine(dir, "sharded.json");
            File.WriteAllText(config, Config);
            var (code, _, stderr) = HarnessProcess.Run(dir, "run", config, "--output", "out", "--shard", shard);
            Assert.Equal(2, code);
            Assert.Contains($"--shard '{shard}' is not valid: use k/n with 1 <= k <= n", stderr);
            Assert.False(Directory.Exists(Path.Combine(dir, "out")));
        }
        finally { Directory.Delete(dir, true); }
    }
}

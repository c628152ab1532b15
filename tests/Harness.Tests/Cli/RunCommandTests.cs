using Harness.Tests.Sinks;
using Xunit;

namespace Harness.Tests.Cli;

/// <summary>`harness run` end to end in separate processes: results layout, reproducibility, and bad input.</summary>
[Trait("Category", TestCategory.Process)]
public class RunCommandTests
{
    const string TinyConfig = """
    {
      "name": "tiny",
      "dataset": { "name": "digits", "trainLimit": 200 },
      "model": { "kind": "mlp", "hidden": [8], "dropout": 0.1 },
      "training": { "epochs": 2, "batchSize": 32 },
      "seeds": [0, 1],
      "losses": [
        { "loss": "cross-entropy", "displayName": "CE" },
        { "loss": "mse", "displayName": "MSE on softmax", "activation": "softmax", "targetEncoding": "one-hot" }
      ],
      "convergenceTarget": 0.5
    }
    """;

    static string WriteConfig(string dir, string json, string name = "tiny.json")
    {
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void A_run_writes_the_results_layout_and_two_processes_agree_bit_for_bit()
    {
        var dir = HarnessProcess.TempFolder();
        try
        {
            var config = WriteConfig(dir, TinyConfig);
            var (code, stdout, stderr) = HarnessProcess.Run(dir, "run", config, "--output", "a");
            Assert.True(code == 0, stdout + stderr);
            var folder = Path.Combine(dir, "a", "tiny");
            foreach (var file in new[] { "config.resolved.json", "experiment.json", "summary.csv", "summary.json" })
                Assert.True(File.Exists(Path.Combine(folder, file)), file);
            foreach (var run in new[] { "ce-seed0", "ce-seed1", "mse-on-softmax-seed0", "mse-on-softmax-seed1" })
            {
                Assert.True(File.Exists(Path.Combine(folder, "runs", run, "summary.json")), run);
                Assert.Equal(3, File.ReadAllLines(Path.Combine(folder, "runs", run, "metrics.csv")).Length);
            }
            Assert.Empty(Directory.GetFiles(folder, "*.tmp", SearchOption.AllDirectories));
            // The console's verdict and ranking are the report's: computed by the same code, in the same order.
            var report = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "report.json")))!;
            Assert.Contains("Verdict: " + (string)report["verdict"]!, stdout);
            var ranking = report["ranking"]!.AsArray().Select(x => (string)x!).ToList();
            var rows = ranking
                .Select(name => stdout.IndexOf("  " + name + "  ", stdout.IndexOf("adj. p vs best", StringComparison.Ordinal), StringComparison.Ordinal))
                .ToList();
            Assert.All(rows, p => Assert.True(p >= 0, stdout));
            Assert.Equal(rows.Order(), rows);
            Assert.Contains(ranking[0], File.ReadAllText(Path.Combine(folder, "report.md")).Split("## Ranking")[1].Split('\n')[4]);
            // The grid summary names its metric columns; experiment.json and report.md carry the provenance.
            var header = File.ReadLines(Path.Combine(folder, "summary.csv")).First();
            Assert.Contains("test_accuracy_at_selected_epoch", header);
            Assert.DoesNotContain("final_test_score", header);
            var info = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "experiment.json")))!;
            Assert.False(string.IsNullOrEmpty((string?)info["vectorExtensions"]));
            Assert.StartsWith("libtorch-", (string?)info["libTorch"]);
            Assert.Contains("- CPU: ", File.ReadAllText(Path.Combine(folder, "report.md")));
            // TensorBoard event files, one folder per run, with the scalars TensorBoard will show.
            var events = Directory.GetFiles(Path.Combine(folder, "tensorboard", "ce-seed0"), "events.out.tfevents.*");
            var eventBytes = File.ReadAllBytes(Assert.Single(events));
            Assert.True(eventBytes.AsSpan().IndexOf("accuracy/test"u8) >= 0, "no accuracy/test scalar in the event file");
            Assert.True(eventBytes.AsSpan().IndexOf("loss/train"u8) >= 0, "no loss/train scalar in the event file");

            var (code2, stdout2, stderr2) = HarnessProcess.Run(dir, "run", config, "--output", "b");
            Assert.True(code2 == 0, stdout2 + stderr2);
            foreach (var run in Directory.GetDirectories(Path.Combine(folder, "runs")).Select(Path.GetFileName))
                Assert.Equal(
                    UntimedMetricsCsv.Of(File.ReadAllText(Path.Combine(folder, "runs", run!, "metrics.csv"))),
                    UntimedMetricsCsv.Of(File.ReadAllText(Path.Combine(dir, "b", "tiny", "runs", run!, "metrics.csv"))));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Piped_output_is_short_by_default_quiet_on_request_and_every_epoch_when_verbose()
    {
        var dir = HarnessProcess.TempFolder();
        try
        {
            var quickstart = Path.Combine(RepositoryPaths.Root, "experiments", "quickstart.json");
            string[] fast = ["--set", "training.epochs=2", "--force"];
            var (code, stdout, stderr) = HarnessProcess.Run(dir, ["run", quickstart, "--output", "normal", .. fast]);
            Assert.True(code == 0, stdout + stderr);
            var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.True(lines.Length < 40, $"{lines.Length} lines:\n{stdout}");
            Assert.Contains(lines, l => l.StartsWith("tuning: 24 runs", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.StartsWith("Verdict: ", StringComparison.Ordinal));
            Assert.DoesNotContain(" epoch 1/2", stdout);

            (code, stdout, stderr) = HarnessProcess.Run(dir, ["run", quickstart, "--output", "quiet", "--quiet", .. fast]);
            Assert.True(code == 0, stdout + stderr);
            Assert.True(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length <= 8, stdout);
            Assert.Contains("Verdict: ", stdout);

            (code, stdout, stderr) = HarnessProcess.Run(dir, ["run", quickstart, "--output", "verbose", "--verbose", .. fast]);
            Assert.True(code == 0, stdout + stderr);
            Assert.Contains("ce-seed0 epoch 2/2", stdout);

            (code, _, stderr) = HarnessProcess.Run(dir, ["run", quickstart, "--output", "both", "--quiet", "--verbose"]);
            Assert.Equal(Harness.Cli.ExitCodes.BadInput, code);
            Assert.Contains("--quiet and --verbose exclude each other", stderr);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void An_existing_results_folder_is_kept_unless_forced()
    {
        var dir = HarnessProcess.TempFolder();
        try
        {
            var config = WriteConfig(dir, TinyConfig.Replace("\"seeds\": [0, 1]", "\"seeds\": [0]").Replace("\"epochs\": 2", "\"epochs\": 1"));
            Assert.Equal(0, HarnessProcess.Run(dir, "run", config, "--output", "out").ExitCode);
            var marker = Path.Combine(dir, "out", "tiny", "summary.csv");
            var before = File.ReadAllText(marker);
            var (code, _, stderr) = HarnessProcess.Run(dir, "run", config, "--output", "out");
            Assert.Equal(2, code);
            Assert.Contains("already exists; pass --force", stderr);
            Assert.Equal(before, File.ReadAllText(marker));
            Assert.Equal(0, HarnessProcess.Run(dir, "run", config, "--output", "out", "--force").ExitCode);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Theory]
    [InlineData("\"loss\": \"cross-entropy\", \"displayName\": \"CE\"", "\"loss\": \"cross-entropyy\", \"displayName\": \"CE\"", "cross-entropyy")]
    [InlineData("\"loss\": \"cross-entropy\", \"displayName\": \"CE\"", "\"loss\": \"hinge\", \"displayName\": \"CE\"", "hinge")]
    [InlineData("\"activation\": \"softmax\", \"targetEncoding\": \"one-hot\"", "\"activation\": \"softmax\"", "mse")]
    [InlineData("\"epochs\": 2", "\"epochs\": 0", "epochs")]
    [InlineData("\"epochs\": 2", "\"epoch\": 2", "epoch")]
    [InlineData("\"name\": \"digits\"", "\"name\": \"digitz\"", "digitz")]
    [InlineData("\"name\": \"tiny\"", "\"name\": \"../escape\"", "name")]
    [InlineData("\"seeds\": [0, 1]", "\"seeds\": [0, 1", "line")]
    [InlineData("\"trainLimit\": 200", "\"trainLimit\": 200, \"validationFraction\": 0", "convergenceTarget: 0.5 is measured on the validation split")]
    public void Bad_configs_get_one_message_exit_2_and_no_results_folder(string find, string replace, string expected)
    {
        var dir = HarnessProcess.TempFolder();
        try
        {
            Assert.Contains(find, TinyConfig);
            var config = WriteConfig(dir, TinyConfig.Replace(find, replace));
            var (code, stdout, stderr) = HarnessProcess.Run(dir, "run", config, "--output", "out");
            Assert.True(code == 2, $"exit {code}\n{stdout}\n{stderr}");
            Assert.Contains(expected, stderr);
            Assert.DoesNotContain("   at ", stderr + stdout);
            Assert.False(Directory.Exists(Path.Combine(dir, "out")), "a results folder was written for bad input");
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void An_output_folder_that_cannot_be_created_exits_2()
    {
        var dir = HarnessProcess.TempFolder();
        try
        {
            var config = WriteConfig(dir, TinyConfig);
            // A file where the output root should be: not creatable even for root.
            File.WriteAllText(Path.Combine(dir, "blocked"), "");
            var (code, stdout, stderr) = HarnessProcess.Run(dir, "run", config, "--output", "blocked");
            Assert.True(code == 2, $"exit {code}\n{stdout}\n{stderr}");
            Assert.Contains("is a file", stderr);
            Assert.DoesNotContain("   at ", stderr + stdout);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Cuda_where_there_is_none_exits_2_before_writing()
    {
        var dir = HarnessProcess.TempFolder();
        try
        {
            var config = WriteConfig(dir, TinyConfig);
            var (code, _, stderr) = HarnessProcess.Run(dir, "run", config, "--output", "out", "--device", "cuda");
            Assert.Equal(2, code);
            Assert.Contains("CUDA is not available", stderr);
            Assert.False(Directory.Exists(Path.Combine(dir, "out")));
        }
        finally { Directory.Delete(dir, true); }
    }
}

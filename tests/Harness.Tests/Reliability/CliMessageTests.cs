using Harness.Tests.Cli;
using Xunit;

namespace Harness.Tests.Reliability;

/// <summary>
/// Messages of the real CLI for mistakes that printed a stack trace or a misleading first line (issue 17, items 6 and
/// 13): one "error:" line saying what is wrong, exit 2, no trace, nothing written.
/// </summary>
[Trait("Category", TestCategory.Process)]
public class CliMessageTests
{
    static void AssertBadInput((int ExitCode, string StdOut, string StdErr) r, string expected)
    {
        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}\n{r.StdOut}{r.StdErr}");
        Assert.Contains(expected, r.StdErr);
        HarnessProcess.AssertNoStackTrace(r.StdOut + r.StdErr);
    }

    [Theory]
    [InlineData(new[] { "bogus" }, "Unrecognized command or argument 'bogus'")]
    [InlineData(new[] { "list", "bogus" }, "Unrecognized command or argument 'bogus'")]
    public void An_unknown_command_is_named_first(string[] args, string expected)
    {
        using var temp = new TemporaryFolder();
        var dir = temp.Path;
        var r = HarnessProcess.Run(dir, args);
        AssertBadInput(r, expected);
        Assert.DoesNotContain("Required command was not provided", r.StdErr);
    }

    [Fact]
    public void Output_paths_that_are_empty_or_files_are_bad_arguments()
    {
        using var temp = new TemporaryFolder();
        var dir = temp.Path;
        var config = Path.Combine(RepositoryPaths.Root, "experiments", "quickstart.json");
        File.WriteAllText(Path.Combine(dir, "afile"), "x");
        AssertBadInput(HarnessProcess.Run(dir, "run", config, "--output", ""), "--output is empty");
        AssertBadInput(HarnessProcess.Run(dir, "validate", "--losses", "mse", "--output", "afile"), "is a file");
        AssertBadInput(HarnessProcess.Run(dir, "validate", "--losses", "mse", "--output", ""), "--output is empty");
        AssertBadInput(HarnessProcess.Run(dir, "report", "afile"), "is a file");
        Assert.Equal(["afile"], Directory.GetFileSystemEntries(dir).Select(Path.GetFileName));
    }

    [Fact]
    public void A_loss_named_twice_is_validated_once()
    {
        using var temp = new TemporaryFolder();
        var dir = temp.Path;
        var (code, stdout, stderr) = HarnessProcess.Run(dir, "validate", "--losses", "mse,mse", "--dtype", "float64", "--output", "v");
        Assert.True(code == 0, stdout + stderr);
        Assert.Single(stdout.Split('\n'), l => l.StartsWith("validating mse", StringComparison.Ordinal));
    }

    [Fact]
    public void Resume_with_a_damaged_summary_names_the_run_and_exits_2()
    {
        using var temp = new TemporaryFolder();
        var dir = temp.Path;
        var config = temp.Write("q.json", """
        {
          "name": "q",
          "dataset": { "name": "digits", "trainLimit": 120 },
          "model": { "kind": "mlp", "hidden": [4] },
          "training": { "epochs": 1, "batchSize": 32 },
          "seeds": [0],
          "losses": [ { "loss": "cross-entropy", "displayName": "CE" } ]
        }
        """);
        Assert.Equal(0, HarnessProcess.Run(dir, "run", config, "--output", "out").ExitCode);
        File.WriteAllText(Path.Combine(dir, "out", "q", "runs", "ce-seed0", "summary.json"), "{ \"run\": ");
        AssertBadInput(HarnessProcess.Run(dir, "run", config, "--output", "out", "--resume"), "run 'ce-seed0'");
    }

    [Fact]
    public void A_regression_target_beyond_float32_is_a_data_error_naming_the_row()
    {
        using var temp = new TemporaryFolder();
        var dir = temp.Path;
        var rows = string.Join("\n", Enumerable.Range(0, 30).Select(i =>
            $"{i},{i % 7},{(i == 12 ? "1e39" : (i * 0.5).ToString(System.Globalization.CultureInfo.InvariantCulture))}"));
        File.WriteAllText(Path.Combine(dir, "r.csv"), "a,b,y\n" + rows + "\n");
        var config = temp.Write("r.json", """
        {
          "name": "r",
          "dataset": { "name": "csv", "csv": { "path": "r.csv", "targetColumn": "y", "task": "regression" } },
          "model": { "kind": "mlp", "hidden": [4] },
          "training": { "epochs": 1, "batchSize": 8 },
          "seeds": [0],
          "losses": [ { "loss": "mse" } ]
        }
        """);
        var r = HarnessProcess.Run(dir, "run", config, "--output", "out");
        AssertBadInput(r, "r.csv:14: regression target 1e39");
        Assert.Contains("float32", r.StdErr);
        Assert.False(Directory.Exists(Path.Combine(dir, "out")));
    }
}

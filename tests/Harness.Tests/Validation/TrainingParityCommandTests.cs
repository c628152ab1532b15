using System.Text.Json;
using Harness.Tests.Cli;
using Xunit;

namespace Harness.Tests.Validation;

/// <summary>`harness validate --train` end to end: its report files, exit code, and bad input.</summary>
[Trait("Category", TestCategory.Process)]
public class TrainingParityCommandTests
{
    [Fact]
    public void Training_parity_writes_its_report_and_plots_and_exits_0()
    {
        var dir = HarnessProcess.TempFolder();
        try
        {
            var (code, stdout, stderr) = HarnessProcess.Run(dir, "validate", "--train", "--steps", "5", "--losses", "mse", "--output", "out");
            Assert.True(code == 0, stdout + stderr);
            Assert.Contains("Every loss trains like its twin", stdout);
            var md = File.ReadAllText(Path.Combine(dir, "out", "training-parity.md"));
            Assert.Contains("| mse | `F.mse_loss` | diabetes | bit-identical |", md);
            using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "out", "training-parity.json")));
            Assert.Equal(3, json.RootElement.GetProperty("pairs").GetArrayLength());   // the two controls and mse
            Assert.Equal(5, json.RootElement.GetProperty("pairs")[2].GetProperty("parameter_drift").GetArrayLength());
            Assert.True(File.Exists(Path.Combine(dir, "out", "plots", "training-parity-drift.png")));
            Assert.False(File.Exists(Path.Combine(dir, "out", "report.md")), "--train writes only its own report");
        }
        finally { Directory.Delete(dir, true); }
    }

    [Theory]
    [InlineData("--steps must be at least 1", "validate", "--train", "--steps", "0")]
    [InlineData("fashion-mnist", "validate", "--train", "--train-dataset", "cifar")]
    [InlineData("is not in /nonexistent", "validate", "--train", "--train-dataset", "fashion-mnist", "--fashion-mnist-root", "/nonexistent")]
    public void Bad_input_gets_one_message_and_exit_2(string expected, params string[] args)
    {
        var dir = HarnessProcess.TempFolder();
        try
        {
            var (code, _, stderr) = HarnessProcess.Run(dir, [.. args, "--output", "out"]);
            Assert.Equal(2, code);
            Assert.Contains(expected, stderr);
            Assert.False(Directory.Exists(Path.Combine(dir, "out")));
        }
        finally { Directory.Delete(dir, true); }
    }
}

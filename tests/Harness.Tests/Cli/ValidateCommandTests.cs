using System.Text.Json;
using Xunit;

namespace Harness.Tests.Cli;

/// <summary>`harness validate` end to end: reports, exit codes, and one clear message for bad input.</summary>
[Trait("Category", TestCategory.Process)]
public class ValidateCommandTests
{
    [Fact]
    public void Validating_named_losses_writes_both_reports_and_exits_0()
    {
        var dir = HarnessProcess.TempFolder();
        try
        {
            var (code, stdout, stderr) = HarnessProcess.Run(dir, "validate", "--losses", "mse,l1", "--output", "out");
            Assert.True(code == 0, stdout + stderr);
            Assert.Contains("All 2 losses pass", stdout);
            var md = File.ReadAllText(Path.Combine(dir, "out", "report.md"));
            Assert.Contains("| mse | torch.nn.functional.mse_loss + float64 formula + finite differences |", md);
            Assert.Contains("## Which checks applied", md);
            Assert.Contains("- **l1**: finite differences: skipped on 1 of 5 runs: not smooth within the step here", md);
            Assert.Contains("mse:", stdout);
            using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "out", "report.json")));
            Assert.True(json.RootElement.GetProperty("passed").GetBoolean());
            Assert.Equal(2, json.RootElement.GetProperty("losses").GetArrayLength());
            Assert.Empty(Directory.GetFiles(Path.Combine(dir, "out"), "*.tmp"));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Theory]
    [InlineData("Unknown loss 'msee'. Did you mean 'mse'?", "validate", "--losses", "msee")]
    [InlineData("--device cuda: CUDA is not available", "validate", "--losses", "mse", "--device", "cuda")]
    [InlineData("float16", "validate", "--dtype", "float16")]
    [InlineData("tpu", "validate", "--device", "tpu")]
    [InlineData("--bogus", "validate", "--bogus")]
    public void Bad_input_gets_one_message_exit_2_and_writes_nothing(string expected, params string[] args)
    {
        var dir = HarnessProcess.TempFolder();
        try
        {
            var (code, stdout, stderr) = HarnessProcess.Run(dir, [.. args, "--output", "out"]);
            Assert.Equal(2, code);
            Assert.Contains(expected, stderr);
            Assert.DoesNotContain("   at ", stderr + stdout); // no stack trace
            Assert.False(Directory.Exists(Path.Combine(dir, "out")), "a results folder was written for bad input");
        }
        finally { Directory.Delete(dir, true); }
    }
}

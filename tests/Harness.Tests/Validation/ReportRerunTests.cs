using Harness.Tests.Cli;
using Harness.Tests.Reliability;
using Xunit;

namespace Harness.Tests.Validation;

/// <summary>
/// <c>harness validate</c> rewrites the committed reports under results/validation; a rerun of the same command on the
/// same machine must leave them byte-identical (no wall times or dates in them), so the tree stays clean.
/// </summary>
[Trait("Category", TestCategory.Slow)]
public class ReportRerunTests
{
    [Fact]
    public void Validate_and_validate_train_write_the_same_bytes_when_rerun()
    {
        var first = HarnessProcess.TempFolder();
        var second = HarnessProcess.TempFolder();
        try
        {
            foreach (var dir in new[] { first, second })
                foreach (var args in new[]
                {
                    new[] { "validate", "--losses", "huber", "--output", "v" },
                    ["validate", "--train", "--losses", "huber", "--output", "v"],
                })
                {
                    var (code, stdout, stderr) = HarnessProcess.Run(dir, args);
                    Assert.True(code == 0, $"exit {code}\n{stdout}{stderr}");
                }
            var a = FolderSnapshot.Of(Path.Combine(first, "v"));
            var b = FolderSnapshot.Of(Path.Combine(second, "v"));
            Assert.Contains("training-parity.json", a.Keys);
            Assert.True(a.SequenceEqual(b), FolderSnapshot.Diff(a, b));
        }
        finally
        {
            Directory.Delete(first, true);
            Directory.Delete(second, true);
        }
    }
}

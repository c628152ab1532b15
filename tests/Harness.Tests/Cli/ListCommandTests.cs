using CustomLosses.Catalog;
using Harness.Reporting;
using Xunit;

namespace Harness.Tests.Cli;

/// <summary>`harness list ...` names what a config can use, in whole words when piped, and keeps docs/losses.md's catalogue current.</summary>
[Trait("Category", TestCategory.Process)]
public class ListCommandTests
{
    [Theory]
    [InlineData("datasets", "fashion-mnist", "synthetic-regression", "regression")]
    [InlineData("models", "mlp", "cnn", "gelu")]
    [InlineData("optimizers", "adamw", "cosine")]
    [InlineData("metrics", "balanced-accuracy", "classwise-ece", "mae")]
    public void Each_list_names_what_a_config_can_use(string what, params string[] expected)
    {
        var (code, stdout, stderr) = HarnessProcess.Run(RepositoryPaths.Root, "list", what);
        Assert.True(code == 0, stdout + stderr);
        foreach (var e in expected) Assert.Contains(e, stdout);
    }

    [Fact]
    public void Piped_losses_print_every_name_whole_on_its_own_line()
    {
        var (code, stdout, _) = HarnessProcess.Run(RepositoryPaths.Root, "list", "losses");
        Assert.Equal(0, code);
        var lines = stdout.Split('\n');
        // The library's own losses: tests in this process may have registered others.
        foreach (var name in LossRegistry.All.Where(s => s.Origin == LossSpec.BuiltInOrigin).Select(s => s.Name))
            Assert.Contains(lines, l => l.StartsWith(name + " ", StringComparison.Ordinal));
    }

    [Fact]
    public void Update_rewrites_a_stale_catalogue_between_its_markers_and_refuses_a_file_without_them()
    {
        var dir = HarnessProcess.TempFolder();
        try
        {
            var doc = Path.Combine(dir, "losses.md");
            File.WriteAllText(doc, "# Losses\n\n<!-- loss-catalogue:begin -->\n| stale |\n<!-- loss-catalogue:end -->\n\nAfter.\n");
            var (code, stdout, stderr) = HarnessProcess.Run(dir, "list", "losses", "--markdown", "--update", doc);
            Assert.True(code == 0, stdout + stderr);
            Assert.Equal("# Losses\n\n<!-- loss-catalogue:begin -->\n" + LossCatalogTable.ToMarkdown() + "<!-- loss-catalogue:end -->\n\nAfter.\n",
                File.ReadAllText(doc));

            var plain = Path.Combine(dir, "plain.md");
            File.WriteAllText(plain, "no markers\n");
            (code, _, stderr) = HarnessProcess.Run(dir, "list", "losses", "--markdown", "--update", plain);
            Assert.Equal(Harness.Cli.ExitCodes.BadInput, code);
            Assert.Contains("markers", stderr);
            Assert.Equal("no markers\n", File.ReadAllText(plain));
        }
        finally { Directory.Delete(dir, true); }
    }
}

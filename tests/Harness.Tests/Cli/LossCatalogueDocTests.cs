using Harness.Reporting;
using Xunit;

namespace Harness.Tests.Cli;

/// <summary>The loss catalogue in docs/losses.md is the registry's, word for word (regenerate with `harness list losses --markdown`).</summary>
public class LossCatalogueDocTests
{
    [Fact]
    public void Docs_catalogue_matches_the_registry()
    {
        var doc = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "losses.md")).Replace("\r\n", "\n");
        const string begin = "<!-- loss-catalogue:begin -->\n", end = "<!-- loss-catalogue:end -->";
        var start = doc.IndexOf(begin, StringComparison.Ordinal);
        var stop = doc.IndexOf(end, StringComparison.Ordinal);
        Assert.True(start >= 0 && stop > start, "docs/losses.md lacks the loss-catalogue markers");
        var table = doc[(start + begin.Length)..stop];
        Assert.Equal(LossCatalogTable.ToMarkdown(), table);
    }
}

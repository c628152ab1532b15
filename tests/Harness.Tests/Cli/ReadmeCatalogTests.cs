using Harness.Reporting;
using Xunit;

namespace Harness.Tests.Cli;

/// <summary>The README's loss catalogue is the registry's, word for word (regenerate with `harness list losses --markdown`).</summary>
public class ReadmeCatalogTests
{
    [Fact]
    public void Readme_catalogue_matches_the_registry()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md")).Replace("\r\n", "\n");
        const string begin = "<!-- loss-catalogue:begin -->\n", end = "<!-- loss-catalogue:end -->";
        var start = readme.IndexOf(begin, StringComparison.Ordinal);
        var stop = readme.IndexOf(end, StringComparison.Ordinal);
        Assert.True(start >= 0 && stop > start, "README.md lacks the loss-catalogue markers");
        var table = readme[(start + begin.Length)..stop];
        Assert.Equal(LossCatalogTable.ToMarkdown(), table);
    }
}

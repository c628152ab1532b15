using System.Xml.Linq;
using Xunit;

namespace Harness.Tests.Build;

/// <summary>
/// Every project under src/ that uses TorchSharp builds with the temporary-Scalar analyzer (src/CustomLosses.Analyzers),
/// so its warnings, errors here, stop a temporary Scalar at build time; the tests that run it over the sources in
/// memory (ScalarTemporaries/) are then the second line, not the only one.
/// </summary>
public class AnalyzerWiringTests
{
    [Fact]
    public void Every_src_project_that_uses_TorchSharp_runs_the_analyzer()
    {
        var projects = Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "src"), "*.csproj", SearchOption.AllDirectories)
            .Select(p => (Path: Path.GetRelativePath(RepositoryPaths.Root, p), Project: XDocument.Load(p)))
            // Template content is built only where a user instantiates it, with the package's analyzer (OwnLossEndToEndTests).
            .Where(p => !p.Path.Replace('\\', '/').StartsWith("src/Templates/content/", StringComparison.Ordinal))
            .Where(p => UsesTorchSharp(p.Project))
            .ToList();
        Assert.Equal(["src/CustomLosses/CustomLosses.csproj", "src/Harness.Acceleration/Harness.Acceleration.csproj", "src/Harness/Harness.csproj"],
            projects.Select(p => p.Path.Replace('\\', '/')).Order(StringComparer.Ordinal));
        Assert.All(projects, p => Assert.True(RunsTheAnalyzer(p.Project), $"{p.Path} does not reference src/CustomLosses.Analyzers as an analyzer"));
    }

    [Fact]
    public void A_project_without_the_analyzer_reference_is_caught()
    {
        var without = XDocument.Parse("""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><UsesTorch>true</UsesTorch></PropertyGroup>
              <ItemGroup><ProjectReference Include="../CustomLosses.Analyzers/CustomLosses.Analyzers.csproj" /></ItemGroup>
            </Project>
            """);
        Assert.True(UsesTorchSharp(without));
        Assert.False(RunsTheAnalyzer(without));   // referenced as a library, not as an analyzer
    }

    static bool UsesTorchSharp(XDocument project) =>
        project.Descendants().Any(e => e.Name.LocalName == "UsesTorch" && e.Value.Trim() == "true"
            || e.Name.LocalName == "PackageReference" && ((string?)e.Attribute("Include"))?.StartsWith("TorchSharp", StringComparison.Ordinal) == true);

    static bool RunsTheAnalyzer(XDocument project) =>
        project.Descendants().Any(e => e.Name.LocalName == "ProjectReference"
            && ((string?)e.Attribute("Include"))?.Replace('\\', '/')
                .EndsWith("CustomLosses.Analyzers/CustomLosses.Analyzers.csproj", StringComparison.Ordinal) == true
            && (string?)e.Attribute("OutputItemType") == "Analyzer"
            && (string?)e.Attribute("ReferenceOutputAssembly") == "false");
}

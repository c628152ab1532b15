using CustomLosses.Tests.ScalarTemporaries;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Harness.Tests.ScalarTemporaries;

/// <summary>
/// No code in src/Harness (or src/Harness.Acceleration) hands TorchSharp a temporary Scalar: the analyzer
/// (src/CustomLosses.Analyzers) that tests/CustomLosses.Tests runs over the loss library (see src/CustomLosses/CachedScalars.cs),
/// over the harness's sources. Their builds run it too (Build/AnalyzerWiringTests checks they reference it); this test does
/// not depend on that wiring. A finalized temporary crashes or corrupts whichever native call reads it, in a data loader as
/// much as in a loss.
/// </summary>
[Trait("Category", TestCategory.Slow)]
public class HarnessScalarTemporaryTests
{
    [Fact]
    public void The_harness_gives_TorchSharp_no_temporary_scalars()
    {
        var root = RepositoryPaths.Root;
        var sources = Path.Combine(root, "src", "Harness");
        var files = AnalyzedSources.SourcesUnder(root, sources);
        Assert.True(files.Count > 50, $"only {files.Count} source files under {sources}");
        // The harness's fast paths (a project of their own, which the harness references) are analyzed with it.
        var acceleration = AnalyzedSources.SourcesUnder(root, Path.Combine(root, "src", "Harness.Acceleration"));
        Assert.True(acceleration.Count > 5, $"only {acceleration.Count} source files under src/Harness.Acceleration");
        files.AddRange(acceleration);
        // The test host's trusted assemblies are the harness's dependencies (CustomLosses, TorchSharp, Spectre.Console, ...);
        // the harness itself (harness.dll, Harness.Acceleration.dll) and this test assembly are left out: their types come from the sources.
        var compilation = AnalyzedSources.Compile(files, AnalyzedSources.ReferencesFrom([], exclude: "harness"), OutputKind.ConsoleApplication);
        // Source generators do not run in this compilation, so [GeneratedRegex] partial methods lack their generated half
        // (CS8795); that touches nothing but those methods' bodies, which call no TorchSharp.
        var errors = AnalyzedSources.Errors(compilation).Where(e => !e.Contains("error CS8795:", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count == 0,
            "src/Harness does not compile in the analysis (so its semantic model is unreliable):\n" + string.Join("\n", errors.Take(20)));

        // CL0004 (info) is left out: setup and error messages may read a shape.
        var findings = AnalyzedSources.Analyze(compilation).Where(d => d.Severity == DiagnosticSeverity.Warning).ToList();
        Assert.True(findings.Count == 0,
            $"{findings.Count} place(s) in src/Harness give TorchSharp a temporary Scalar, which a garbage collection on another thread can free during the " +
            "native call (see src/CustomLosses/CachedScalars.cs). Pass a kept one instead:\n" +
            string.Join("\n", findings.Select(AnalyzedSources.Describe)));
    }
}

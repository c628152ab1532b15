using System.Collections.Immutable;
using System.Reflection.PortableExecutable;
using CustomLosses.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace CustomLosses.Tests.ScalarTemporaries;

/// <summary>
/// Compiles C# sources in memory, as the projects here are compiled, and runs <see cref="ScalarTemporaryAnalyzer"/> (the
/// analyzer the builds and the package use) over them: the tests drive the one implementation of the rules.
/// </summary>
internal static class AnalyzedSources
{
    /// <summary>What SDK-style projects with ImplicitUsings get (Microsoft.NET.Sdk's list).</summary>
    public const string ImplicitUsings = """
        global using global::System;
        global using global::System.Collections.Generic;
        global using global::System.IO;
        global using global::System.Linq;
        global using global::System.Net.Http;
        global using global::System.Threading;
        global using global::System.Threading.Tasks;
        """;

    /// <summary>The runtime's assemblies and TorchSharp (not CustomLosses itself: its types come from the sources).</summary>
    public static IReadOnlyList<MetadataReference> LibraryReferences => References.Value;

    /// <summary>
    /// Planted.cs: <paramref name="body"/> as the only statement line of a method whose parameters and class members
    /// give planted code tensors, a double, an option constant and a kept scalar to use.
    /// </summary>
    public static string PlantedMethod(string body) => $$"""
        using TorchSharp;
        using static TorchSharp.torch;

        namespace CustomLosses.Planted;

        internal sealed class Planted
        {
            const double Eps = 1e-6;
            static readonly Scalar Half = 0.5;

            static Tensor Helper(Tensor x, Func<Tensor> f) => f();

            static Tensor F(Tensor x, Tensor a, Tensor b, Tensor m, Tensor y, double eps)
            {   {{body}}
            }
        }
        """;

    static readonly Lazy<IReadOnlyList<MetadataReference>> References =
        new(() => ReferencesFrom([typeof(TorchSharp.torch).Assembly.Location], exclude: "CustomLosses"));

    /// <summary>The IL scan of the TorchSharp.dll these tests run with, every method's name indexed (for the scan's own tests).</summary>
    public static HiddenScalarTemporaries TorchSharpScan => Scan.Value;

    static readonly Lazy<HiddenScalarTemporaries> Scan = new(() =>
    {
        using var pe = new PEReader(File.OpenRead(typeof(TorchSharp.torch).Assembly.Location));
        return HiddenScalarTemporaries.Scan(pe, indexNames: true);
    });

    /// <summary>
    /// The runtime's assemblies plus <paramref name="paths"/> as metadata references, leaving out every file whose name
    /// starts with <paramref name="exclude"/> (the assembly whose sources are analyzed).
    /// </summary>
    public static IReadOnlyList<MetadataReference> ReferencesFrom(IEnumerable<string> paths, string exclude) =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(paths)
            .Where(p => !Path.GetFileName(p).StartsWith(exclude, StringComparison.OrdinalIgnoreCase))
            .DistinctBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase)
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToList();

    /// <summary>
    /// Every C# file under <paramref name="folder"/> (bin and obj left out), as (path relative to
    /// <paramref name="root"/>, text), in path order.
    /// </summary>
    public static List<(string Path, string Text)> SourcesUnder(string root, string folder) =>
        Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(folder, f).Split(Path.DirectorySeparatorChar).Any(d => d is "bin" or "obj"))
            .Order(StringComparer.Ordinal)
            .Select(f => (Path.GetRelativePath(root, f).Replace('\\', '/'), File.ReadAllText(f)))
            .ToList();

    /// <summary>Compiles sources as the CustomLosses project does (C# latest, nullable, implicit usings), in memory.</summary>
    public static CSharpCompilation Compile(IEnumerable<(string Path, string Text)> sources) => Compile(sources, References.Value);

    /// <summary>Compiles sources as the projects here do (C# latest, nullable, implicit usings) against <paramref name="references"/>, in memory.</summary>
    public static CSharpCompilation Compile(IEnumerable<(string Path, string Text)> sources, IReadOnlyList<MetadataReference> references,
        OutputKind kind = OutputKind.DynamicallyLinkedLibrary)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var trees = sources.Select(s => CSharpSyntaxTree.ParseText(s.Text, parse, s.Path))
            .Append(CSharpSyntaxTree.ParseText(ImplicitUsings, parse, "ImplicitUsings.g.cs"));
        return CSharpCompilation.Create("ScalarTemporaryAnalysis", trees, references,
            new CSharpCompilationOptions(kind, nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: true));
    }

    /// <summary>The compilation's errors, as text (the analysis needs an error-free semantic model).</summary>
    public static IReadOnlyList<string> Errors(Compilation compilation) =>
        compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToList();

    /// <summary>
    /// Every diagnostic <see cref="ScalarTemporaryAnalyzer"/> reports in the compilation, in file and position order; an
    /// exception inside the analyzer (which a build shows as warning AD0001) fails the call.
    /// </summary>
    public static IReadOnlyList<Diagnostic> Analyze(Compilation compilation)
    {
        var thrown = new System.Collections.Concurrent.ConcurrentBag<string>();
        var options = new CompilationWithAnalyzersOptions(new AnalyzerOptions([]), (e, _, d) => thrown.Add(e + "\n" + d),
            concurrentAnalysis: true, logAnalyzerExecutionTime: false);
        var withAnalyzers = compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new ScalarTemporaryAnalyzer()), options);
        var diagnostics = withAnalyzers.GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
        if (!thrown.IsEmpty) throw new InvalidOperationException("the analyzer threw:\n" + string.Join("\n", thrown));
        return diagnostics.OrderBy(d => d.Location.SourceTree?.FilePath, StringComparer.Ordinal).ThenBy(d => d.Location.SourceSpan.Start).ToList();
    }

    /// <summary><c>file:line: CL0002 message</c>, for failure messages.</summary>
    public static string Describe(Diagnostic d)
    {
        var span = d.Location.GetLineSpan();
        return $"{span.Path}:{span.StartLinePosition.Line + 1}: {d.Id} {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}";
    }
}

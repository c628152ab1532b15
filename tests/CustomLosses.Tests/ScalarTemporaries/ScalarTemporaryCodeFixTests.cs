using System.Reflection;
using System.Runtime.Loader;
using CustomLosses.Analyzers;
using CustomLosses.Analyzers.CodeFixes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using TorchSharp;
using Xunit;

namespace CustomLosses.Tests.ScalarTemporaries;

/// <summary>
/// <see cref="ScalarTemporaryCodeFixProvider"/> applied in a workspace, as an IDE applies it: the fixed code reads as
/// expected, compiles, and the diagnostic it fixed is gone without a new one; where no fix is certain, none is offered.
/// </summary>
public class ScalarTemporaryCodeFixTests
{
    const string C = ScalarTemporaryRules.ConversionId, H = ScalarTemporaryRules.HiddenId, U = ScalarTemporaryRules.UnkeptId;

    /// <summary>The planted statement, the rule, the expression it flags, and the statement after the fix.</summary>
    public static TheoryData<string, string, string, string> Fixes => new()
    {
        { "return x.add(1.5, CachedScalars.One);", C, "1.5", "return x.add(CachedScalars.Of(1.5), CachedScalars.One);" },
        { "return x.masked_fill(m, 0);", C, "0", "return x.masked_fill(m, CachedScalars.Of(0L));" },
        { "return y.ne(-100);", C, "-100", "return y.ne(CachedScalars.Of(-100L));" },
        { "return x.clamp_min(Eps);", C, "Eps", "return x.clamp_min(CachedScalars.Of(Eps));" },
        { "return x.mul((Scalar)1.5);", C, "(Scalar)1.5", "return x.mul(CachedScalars.Of(1.5));" },
        { "return full_like(x, 2.0);", C, "2.0", "return full_like(x, CachedScalars.Of(2.0));" },
        { "return x.add(2.5f, CachedScalars.One);", C, "2.5f", "return x.add(CachedScalars.Of(2.5f), CachedScalars.One);" },
        { "return a + b;", H, "a + b", "return a.add(b, CachedScalars.One);" },
        { "return (a - b) + x;", H, "(a - b) + x", "return (a - b).add(x, CachedScalars.One);" },
        { "return a.add(b);", H, "a.add(b)", "return a.add(b, CachedScalars.One);" },
        { "return a.add_(b);", H, "a.add_(b)", "return a.add_(b, CachedScalars.One);" },
        { "return add(a, b);", H, "add(a, b)", "return add(a, b, CachedScalars.One);" },
        { "return x.add(CachedScalars.Of(1.5));", H, "x.add(CachedScalars.Of(1.5))", "return x.add(CachedScalars.Of(1.5), CachedScalars.One);" },
        { "return x + CachedScalars.Of(1.5);", H, "x + CachedScalars.Of(1.5)", "return x.add(CachedScalars.Of(1.5), CachedScalars.One);" },
        { "return x + 0.5;", H, "x + 0.5", "return x.add(CachedScalars.Of(0.5), CachedScalars.One);" },
        { "return 1 + x;", H, "1 + x", "return x.add(CachedScalars.Of(1L), CachedScalars.One);" },
        { "return x * 2.0;", H, "x * 2.0", "return x * CachedScalars.Of(2.0);" },
        { "return x * 2;", H, "x * 2", "return x * CachedScalars.Of(2L);" },
        { "return 2.0 * x;", H, "2.0 * x", "return CachedScalars.Of(2.0) * x;" },
        { "return y * 2;", H, "y * 2", "return y * CachedScalars.Of(2L);" },                  // an int64 tensor stays int64
        { "return 1 - y;", H, "1 - y", "return y.negative().add(CachedScalars.Of(1L), CachedScalars.One);" },
        { "return x - Eps;", H, "x - Eps", "return x - CachedScalars.Of(Eps);" },
        { "return x / 4.0;", H, "x / 4.0", "return x / CachedScalars.Of(4.0);" },
        { "return 1 - x;", H, "1 - x", "return x.negative().add(CachedScalars.Of(1L), CachedScalars.One);" },
        { "return 1.0 - (a + b) * x;", H, "1.0 - (a + b) * x", "return ((a + b) * x).negative().add(CachedScalars.Of(1.0), CachedScalars.One);" },
        { "return CachedScalars.Of(1.0) - x;", H, "CachedScalars.Of(1.0) - x", "return x.negative().add(CachedScalars.Of(1.0), CachedScalars.One);" },
        { "return 3 / x;", H, "3 / x", "return x.reciprocal().mul(CachedScalars.Of(3L));" },
        { "return 0.5 / x;", H, "0.5 / x", "return x.reciprocal().mul(CachedScalars.Of(0.5));" },
        { "return x.addcdiv(a, b);", H, "x.addcdiv(a, b)", "return x.addcdiv(a, b, CachedScalars.One);" },
        { "return x.square();", H, "x.square()", "return x.pow(CachedScalars.Of(2L));" },
        { "return (a - b).square();", H, "(a - b).square()", "return (a - b).pow(CachedScalars.Of(2L));" },
        { "return square(a - b);", H, "square(a - b)", "return (a - b).pow(CachedScalars.Of(2L));" },
        { "return Helper(x, () => x * 2.0);", H, "x * 2.0", "return Helper(x, () => x * CachedScalars.Of(2.0));" },
        { "return x.mul(1.5.ToScalar());", U, "1.5.ToScalar()", "return x.mul(CachedScalars.Of(1.5));" },
        { "return x.mul(2.ToScalar());", U, "2.ToScalar()", "return x.mul(CachedScalars.Of(2L));" },
    };

    [Theory]
    [MemberData(nameof(Fixes))]
    public async Task The_fix_spells_it_with_kept_scalars_compiles_and_clears_the_diagnostic(string body, string rule, string flagged, string expected)
    {
        var (document, before) = await Planted(body);
        var diagnostic = Flagged(before, rule, flagged);
        var action = Assert.Single(await FixesFor(document, diagnostic));
        var fixedDocument = await Applied(document, action);

        var text = (await fixedDocument.GetTextAsync()).ToString();
        Assert.Equal("{   " + expected, text.Split('\n')[PlantedLine - 1].Trim());
        var compilation = (await fixedDocument.Project.GetCompilationAsync())!;
        Assert.Empty(AnalyzedSources.Errors(compilation));
        var after = AnalyzedSources.Analyze(compilation);
        // The fixed diagnostic is gone, and the fix made no new one (others planted with it may remain).
        Assert.Equal(Counts(before).GetValueOrDefault(rule) - 1, Counts(after).GetValueOrDefault(rule));
        Assert.All(Counts(after), kv => Assert.True(kv.Value <= Counts(before).GetValueOrDefault(kv.Key), $"the fix added a {kv.Key}"));

        // The same libtorch calls with the same scalar values and types: the results are bit-identical, dtype included
        // (an integer made a floating Scalar would turn y * 2 into a float tensor).
        using var scope = torch.NewDisposeScope();
        var original = Run((await document.Project.GetCompilationAsync())!);
        var fixedResult = Run(compilation);
        Assert.Equal(original.dtype, fixedResult.dtype);
        Assert.Equal(original.shape, fixedResult.shape);
        Assert.True(original.bytes.ToArray().SequenceEqual(fixedResult.bytes.ToArray()),
            $"{body} and {expected} differ: {original.str()} vs {fixedResult.str()}");
    }

    /// <summary>Emits the planted project, loads it on its own and calls Planted.F on fixed inputs.</summary>
    static torch.Tensor Run(Compilation compilation)
    {
        using var stream = new MemoryStream();
        var emitted = compilation.Emit(stream);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        stream.Position = 0;
        var context = new AssemblyLoadContext("planted", isCollectible: true);
        try
        {
            var f = context.LoadFromStream(stream).GetType("CustomLosses.Planted.Planted")!.GetMethod("F", BindingFlags.NonPublic | BindingFlags.Static)!;
            object[] inputs =
            [
                torch.tensor(new[] { 0.5f, -1.25f, 2f, 3.5f }), torch.tensor(new[] { 1.5f, 0.25f, -0.75f, 2f }),
                torch.tensor(new[] { -0.5f, 1f, 0.125f, 4f }), torch.tensor(new[] { true, false, true, false }),
                torch.tensor(new[] { 1L, -100L, 3L, 0L }), 1e-3,
            ];
            return (torch.Tensor)f.Invoke(null, inputs)!;
        }
        finally { context.Unload(); }
    }

    /// <summary>Flagged code with no certain mechanical fix: a variable (caching it could grow the cache without bound), no kept overload.</summary>
    public static TheoryData<string, string, string> NoFix => new()
    {
        { "return x.clamp_min(eps);", C, "eps" },
        { "return x * eps;", H, "x * eps" },
        { "return x.sum() / x.numel();", H, "x.sum() / x.numel()" },
        { "var z = x.clone(); z += a; return z;", H, "z += a" },
        { "return nn.functional.softplus(x);", H, "nn.functional.softplus(x)" },
        { "return linalg.vector_norm(x, 2.0, [-1]);", H, "linalg.vector_norm(x, 2.0, [-1])" },
        { "var s = x.sum().ToScalar(); return x.mul(s);", U, "x.sum().ToScalar()" },
    };

    [Theory]
    [MemberData(nameof(NoFix))]
    public async Task No_fix_is_offered_where_none_is_certain(string body, string rule, string flagged)
    {
        var (document, before) = await Planted(body);
        Assert.Empty(await FixesFor(document, Flagged(before, rule, flagged)));
    }

    [Fact]
    public async Task In_a_project_that_uses_the_package_the_fix_names_CachedScalars_from_the_library()
    {
        var user = """
            using TorchSharp;
            using static TorchSharp.torch;

            namespace User;

            public static class Code
            {
                public static Tensor F(Tensor x) => 1.0 - x * 0.5;
            }
            """;
        var references = AnalyzedSources.ReferencesFrom(
            [typeof(TorchSharp.torch).Assembly.Location, typeof(CachedScalars).Assembly.Location], exclude: "CustomLosses.Tests");
        var document = Project(references, ("User.cs", user)).Documents.Single(d => d.Name == "User.cs");
        // The inner product first, then the subtraction around it.
        foreach (var flagged in new Func<string, bool>[] { w => w == "x * 0.5", w => w.StartsWith("1.0 - ", StringComparison.Ordinal) })
        {
            var diagnostics = AnalyzedSources.Analyze((await document.Project.GetCompilationAsync())!);
            var diagnostic = Assert.Single(diagnostics, d => d.Id == H && flagged(Written(d)));
            document = await Applied(document, Assert.Single(await FixesFor(document, diagnostic)));
        }
        var fixedDocument = document;
        var text = (await fixedDocument.GetTextAsync()).ToString();
        Assert.Contains("public static Tensor F(Tensor x) => (x * CustomLosses.CachedScalars.Of(0.5)).negative().add(CustomLosses.CachedScalars.Of(1.0), " +
                        "CustomLosses.CachedScalars.One);", text);
        var compilation = (await fixedDocument.Project.GetCompilationAsync())!;
        Assert.Empty(AnalyzedSources.Errors(compilation));
        Assert.Empty(AnalyzedSources.Analyze(compilation));
    }

    const int PlantedLine = 14;

    /// <summary>
    /// The body as the only statement line of a method (as in <see cref="ScalarTemporaryTests"/>), with the library's
    /// kept-scalar sources, in a workspace.
    /// </summary>
    static async Task<(Document Document, IReadOnlyList<Diagnostic> Diagnostics)> Planted(string body)
    {
        var planted = AnalyzedSources.PlantedMethod(body);
        var root = RepositoryRoot();
        string[] library = ["src/CustomLosses/CachedScalars.cs", "src/CustomLosses/KeptScalarOps.cs", "src/CustomLosses/Term.cs"];
        var project = Project(AnalyzedSources.LibraryReferences,
            [("Planted.cs", planted), .. library.Select(f => (f, File.ReadAllText(Path.Combine(root, f))))]);
        var document = project.Documents.Single(d => d.Name == "Planted.cs");
        Assert.Equal("{   " + body, (await document.GetTextAsync()).ToString().Split('\n')[PlantedLine - 1].Trim());
        var compilation = (await project.GetCompilationAsync())!;
        Assert.Empty(AnalyzedSources.Errors(compilation));
        return (document, AnalyzedSources.Analyze(compilation));
    }

    static Project Project(IReadOnlyList<MetadataReference> references, params (string Path, string Text)[] sources)
    {
        var workspace = new AdhocWorkspace();
        var project = workspace.AddProject(ProjectInfo.Create(ProjectId.CreateNewId(), VersionStamp.Create(), "Planted", "Planted", LanguageNames.CSharp,
            compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable),
            parseOptions: new CSharpParseOptions(LanguageVersion.Latest), metadataReferences: references));
        foreach (var (path, text) in sources.Append(("ImplicitUsings.g.cs", AnalyzedSources.ImplicitUsings)))
            project = project.AddDocument(Path.GetFileName(path), SourceText.From(text), filePath: path).Project;
        return project;
    }

    static Diagnostic Flagged(IReadOnlyList<Diagnostic> diagnostics, string rule, string flagged)
    {
        var matching = diagnostics.Where(d => d.Id == rule && Written(d) == flagged).ToList();
        Assert.True(matching.Count == 1,
            $"expected one {rule} on '{flagged}'; the analyzer reported:\n" + string.Join("\n", diagnostics.Select(AnalyzedSources.Describe)));
        return matching[0];
    }

    static string Written(Diagnostic d) => d.Location.SourceTree!.GetText().ToString(d.Location.SourceSpan);

    static async Task<IReadOnlyList<CodeAction>> FixesFor(Document document, Diagnostic diagnostic)
    {
        var actions = new List<CodeAction>();
        var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None);
        await new ScalarTemporaryCodeFixProvider().RegisterCodeFixesAsync(context);
        return actions;
    }

    /// <summary>The document after the action, with the clean-up an IDE runs (simplification, formatting).</summary>
    static async Task<Document> Applied(Document document, CodeAction action)
    {
        var operations = await action.GetOperationsAsync(CancellationToken.None);
        var solution = Assert.Single(operations.OfType<ApplyChangesOperation>()).ChangedSolution;
        return solution.GetDocument(document.Id)!;
    }

    static Dictionary<string, int> Counts(IEnumerable<Diagnostic> diagnostics) =>
        diagnostics.GroupBy(d => d.Id).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Harness.sln"))) return dir.FullName;
        throw new InvalidOperationException("Harness.sln not found above " + AppContext.BaseDirectory);
    }
}

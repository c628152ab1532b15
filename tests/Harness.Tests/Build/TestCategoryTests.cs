using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit;

namespace Harness.Tests.Build;

/// <summary>
/// Keeps the test categories true: a test that starts a process, directly or through a helper method, must carry
/// <c>[Trait("Category", TestCategory.Process)]</c> or <c>TestCategory.Slow</c> (on itself or its class), or the quick
/// inner loop would quietly run it.
/// </summary>
public class TestCategoryTests
{
    /// <summary>The test methods in <paramref name="sources"/> that start a process without saying so.</summary>
    public static IReadOnlyList<string> Uncategorized(IEnumerable<string> sources)
    {
        var roots = sources.Select(s => CSharpSyntaxTree.ParseText(s).GetRoot()).ToList();
        var methods = roots.SelectMany(r => r.DescendantNodes().OfType<MethodDeclarationSyntax>()).ToList();
        // Which methods (Type.Method) start a process, directly or by calling, unqualified or through their type's
        // name, methods that do: a fixpoint.
        var starting = new HashSet<string>(methods.Where(StartsDirectly).Select(Key));
        for (var grew = true; grew;)
        {
            grew = false;
            foreach (var m in methods.Where(m => !starting.Contains(Key(m))))
                if (m.DescendantNodes().OfType<InvocationExpressionSyntax>().Any(i => starting.Contains(Called(i, TypeOf(m)))))
                    grew = starting.Add(Key(m));
        }
        return methods.Where(m => IsTest(m) && starting.Contains(Key(m)) && !Categorized(m)).Select(Key).ToList();
    }

    static string TypeOf(SyntaxNode n) => n.Ancestors().OfType<TypeDeclarationSyntax>().First().Identifier.Text;

    static string Key(MethodDeclarationSyntax m) => $"{TypeOf(m)}.{m.Identifier.Text}";

    /// <summary>The Type.Method an invocation calls, where the syntax says: <c>M()</c> in its own type, or <c>T.M()</c>.</summary>
    static string Called(InvocationExpressionSyntax i, string ownType) => i.Expression switch
    {
        IdentifierNameSyntax n => $"{ownType}.{n.Identifier.Text}",
        GenericNameSyntax g => $"{ownType}.{g.Identifier.Text}",
        MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax t, Name: var n } => $"{t.Identifier.Text}.{n.Identifier.Text}",
        _ => "",
    };

    /// <summary>Code, not text: a string literal that mentions Process.Start starts nothing.</summary>
    static bool StartsDirectly(MethodDeclarationSyntax m) => m.DescendantNodes().Any(n => n switch
    {
        InvocationExpressionSyntax i => i.Expression.ToString() is var e && (e.EndsWith("HarnessProcess.Run") || e.EndsWith("Process.Start")),
        ObjectCreationExpressionSyntax o => o.Type.ToString().EndsWith("ProcessStartInfo"),
        _ => false,
    });

    static bool IsTest(MethodDeclarationSyntax m) =>
        m.AttributeLists.SelectMany(l => l.Attributes).Any(a => a.Name.ToString() is var n && (n.EndsWith("Fact") || n.EndsWith("Theory")));

    static bool Categorized(MethodDeclarationSyntax m) =>
        HasCategory(m.AttributeLists) || m.Ancestors().OfType<TypeDeclarationSyntax>().Any(t => HasCategory(t.AttributeLists));

    static bool HasCategory(SyntaxList<AttributeListSyntax> lists) => lists.SelectMany(l => l.Attributes).Any(a =>
        a.Name.ToString() is "Trait" or "TraitAttribute" && a.ArgumentList?.Arguments.Count == 2
        && a.ArgumentList.Arguments[0].ToString() == "\"Category\""
        && a.ArgumentList.Arguments[1].ToString() is var v && (v.EndsWith("Process") || v.EndsWith("Slow")));

    static IEnumerable<string> TestSources() =>
        new[] { "Harness.Tests", "CustomLosses.Tests" }
            .SelectMany(p => Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Root, "tests", p), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .Select(File.ReadAllText);

    [Fact]
    public void Every_test_that_starts_a_process_carries_a_category()
    {
        var missing = Uncategorized(TestSources());
        Assert.True(missing.Count == 0,
            "tests that start a process without [Trait(\"Category\", TestCategory.Process)] (or Slow): " + string.Join(", ", missing));
    }

    [Fact]
    public void A_test_reaching_a_process_through_a_helper_is_found_and_a_category_satisfies_the_check()
    {
        const string helper = """
            class Runs
            {
                static int Go() => Harness.Tests.Cli.HarnessProcess.Run("d", "run").ExitCode;
                static int Twice() => Go() + Go();
                [Fact] public void Plain() { }
                [Fact] public void Hidden() => Twice();
                [Fact, Trait("Category", TestCategory.Process)] public void Said() => Go();
            }
            [Trait("Category", TestCategory.Slow)]
            class Soaks { [SkippableFact] public void Soak() { var p = System.Diagnostics.Process.Start("dotnet"); } }
            """;
        Assert.Equal(["Runs.Hidden"], Uncategorized([helper]));
    }
}

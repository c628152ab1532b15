using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace CustomLosses.Analyzers.CodeFixes;

/// <summary>One code fix: the expression to replace, its kept-scalar spelling and the fix's title.</summary>
/// <param name="target">The expression as written (<c>x * 2.0</c>, <c>0</c>, <c>a.add(b)</c>).</param>
/// <param name="replacement">What replaces it (<c>x * CachedScalars.Of(2.0)</c>), annotated for simplification and formatting.</param>
/// <param name="title">The fix as the IDE lists it.</param>
internal sealed class KeptScalarRewrite(SyntaxNode target, ExpressionSyntax replacement, string title)
{
    public SyntaxNode Target { get; } = target;

    public ExpressionSyntax Replacement { get; } = replacement;

    public string Title { get; } = title;
}

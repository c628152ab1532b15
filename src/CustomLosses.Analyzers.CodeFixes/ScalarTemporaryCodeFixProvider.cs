using System.Collections.Immutable;
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Formatting;

namespace CustomLosses.Analyzers.CodeFixes;

/// <summary>
/// Fixes CL0001-CL0003 where the kept-scalar spelling is mechanical and certain (<see cref="KeptScalarRewrites"/>):
/// <c>x.add(1.5, One)</c> → <c>x.add(CachedScalars.Of(1.5), CachedScalars.One)</c>, <c>x * 2.0</c> →
/// <c>x * CachedScalars.Of(2.0)</c>, <c>a + b</c> → <c>a.add(b, CachedScalars.One)</c>, <c>1 - p</c> →
/// <c>p.negative().add(CachedScalars.Of(1L), CachedScalars.One)</c>, <c>x.square()</c> →
/// <c>x.pow(CachedScalars.Of(2L))</c>. Code that converts a variable gets no fix (see the remarks there).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ScalarTemporaryCodeFixProvider)), Shared]
public sealed class ScalarTemporaryCodeFixProvider : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(ScalarTemporaryRules.ConversionId, ScalarTemporaryRules.HiddenId, ScalarTemporaryRules.UnkeptId);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var cancellation = context.CancellationToken;
        if (await context.Document.GetSyntaxRootAsync(cancellation).ConfigureAwait(false) is not { } root
            || await context.Document.GetSemanticModelAsync(cancellation).ConfigureAwait(false) is not { } model
            || model.Compilation.GetTypeByMetadataName("TorchSharp.Scalar") is not { } scalar
            || TorchSharpScans.For(model.Compilation, scalar.ContainingAssembly, out _) is not { } scan)
            return;
        foreach (var diagnostic in context.Diagnostics)
        {
            var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            if (KeptScalarRewrites.Find(model, node, diagnostic.Id, scan, cancellation) is not { } rewrite) continue;
            context.RegisterCodeFix(
                CodeAction.Create(rewrite.Title, c => Apply(context.Document, rewrite, c), equivalenceKey: diagnostic.Id),
                diagnostic);
        }
    }

    static async Task<Document> Apply(Document document, KeptScalarRewrite rewrite, CancellationToken cancellation)
    {
        var root = await document.GetSyntaxRootAsync(cancellation).ConfigureAwait(false);
        if (root is null) return document;
        var replacement = rewrite.Replacement.WithTriviaFrom(rewrite.Target).WithAdditionalAnnotations(Formatter.Annotation);
        return document.WithSyntaxRoot(root.ReplaceNode(rewrite.Target, replacement));
    }
}

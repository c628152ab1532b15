using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Simplification;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace CustomLosses.Analyzers.CodeFixes;

/// <summary>
/// The mechanical fixes of CL0001-CL0003: the kept-scalar spelling that makes the same libtorch calls, with the same
/// scalar values and scalar types, as the flagged code. A fix is offered only when it is certain:
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Only compile-time constants become <c>CachedScalars.Of(c)</c>: the cache keeps one native scalar per distinct
/// value for the life of the process, so a fix that cached a variable (a learning rate, a batch mean) could grow it
/// without bound. <c>x.clamp_min(eps)</c> with a parameter gets the message's advice, not a fix.</item>
/// <item>Each spelling is what TorchSharp 0.107's own member does with its temporary (read in its source):
/// <c>a + b</c> is <c>a.add(b)</c> with alpha 1; <c>c - t</c> is <c>t.negative().add(c)</c>; <c>c / t</c> is
/// <c>t.reciprocal().mul(c)</c>; <c>square()</c> is <c>pow(2)</c>; <c>add</c>, <c>add_</c>, <c>addcdiv</c> and
/// <c>addcdiv_</c> without their last Scalar pass 1. An integer stays an integer Scalar (<c>Of(2L)</c>) and a
/// floating value a floating one, as libtorch's Scalar holds every integer as int64 and every float as double.</item>
/// <item>The replacement is bound at the flagged position before it is offered: every TorchSharp member it calls must
/// be one the IL scan finds free of temporaries, the replaced call must keep its overload, the type must stay the
/// same, and <c>CustomLosses.CachedScalars</c> must be accessible there.</item>
/// <item>Operands are never evaluated in a different order, except a constant (or a CachedScalars value of
/// constants) moved behind a tensor, which nothing can observe.</item>
/// </list>
/// </remarks>
internal static class KeptScalarRewrites
{
    const string CachedScalars = "global::CustomLosses.CachedScalars";

    /// <summary>The fix for the diagnostic <paramref name="id"/> reported on <paramref name="node"/>, or null when none is certain.</summary>
    public static KeptScalarRewrite? Find(SemanticModel model, SyntaxNode node, string id, HiddenScalarTemporaries scan, CancellationToken cancellation)
    {
        if (node is ArgumentSyntax argument) node = argument.Expression;
        if (model.Compilation.GetTypeByMetadataName("TorchSharp.Scalar") is not { } scalar) return null;
        var candidate = id switch
        {
            ScalarTemporaryRules.ConversionId => ForConversion(model, node, scalar, cancellation),
            ScalarTemporaryRules.UnkeptId => ForUnkept(model, node, scalar, cancellation),
            ScalarTemporaryRules.HiddenId => ForHidden(model, node, cancellation),
            _ => null,
        };
        return candidate is { } c && Certain(model, c, scan, cancellation) ? c.Rewrite : null;
    }

    /// <summary>A rewrite with what must be checked before it is offered.</summary>
    /// <param name="rewrite">The fix.</param>
    /// <param name="consumer">For a replaced argument or operand: the call whose overload must stay the same.</param>
    /// <param name="checked">The calls and operators the replacement makes (each must be free of temporaries).</param>
    /// <param name="expected">The type the replacement must have: the flagged expression's, or Scalar for a kept value.</param>
    sealed class Candidate(KeptScalarRewrite rewrite, IOperation? consumer, IReadOnlyList<ExpressionSyntax> @checked, ITypeSymbol? expected)
    {
        public KeptScalarRewrite Rewrite { get; } = rewrite;
        public IOperation? Consumer { get; } = consumer;
        public IReadOnlyList<ExpressionSyntax> Checked { get; } = @checked;
        public ITypeSymbol? Expected { get; } = expected;
    }

    /// <summary>CL0001: <c>x.add(1.5, One)</c> → <c>x.add(CachedScalars.Of(1.5), One)</c>; <c>(Scalar)0</c> → <c>CachedScalars.Of(0L)</c>.</summary>
    static Candidate? ForConversion(SemanticModel model, SyntaxNode node, INamedTypeSymbol scalar, CancellationToken cancellation)
    {
        IConversionOperation? conversion = null;
        for (var o = model.GetOperation(node, cancellation); o is not null && o.Syntax.Span == node.Span; o = o.Parent)
            if (o is IConversionOperation { OperatorMethod: not null } c && SymbolEqualityComparer.Default.Equals(c.Type, scalar))
            {
                conversion = c;
                break;
            }
        if (conversion is null || Kept(ScalarTemporaryAdvice.Unwrapped(conversion.Operand)) is not { } kept) return null;
        var consumer = conversion.Parent is IArgumentOperation a ? a.Parent : conversion.Parent;
        return new Candidate(new KeptScalarRewrite(conversion.Syntax, kept, $"Pass a kept Scalar: {Shown(kept)}"),
            consumer is IInvocationOperation or IObjectCreationOperation or IBinaryOperation ? consumer : null, [kept], scalar);
    }

    /// <summary>CL0003: <c>1.5.ToScalar()</c> → <c>CachedScalars.Of(1.5)</c>.</summary>
    static Candidate? ForUnkept(SemanticModel model, SyntaxNode node, INamedTypeSymbol scalar, CancellationToken cancellation)
    {
        if (model.GetOperation(node, cancellation) is not IInvocationOperation { TargetMethod.Name: "ToScalar" } call) return null;
        var receiver = call.Instance ?? (call.Arguments.Length == 1 ? call.Arguments[0].Value : null);
        if (receiver is null || Kept(ScalarTemporaryAdvice.Unwrapped(receiver)) is not { } kept) return null;
        var consumer = call.Parent is IArgumentOperation a ? a.Parent : call.Parent;
        return new Candidate(new KeptScalarRewrite(call.Syntax, kept, $"Use a kept Scalar: {Shown(kept)}"),
            consumer is IInvocationOperation or IObjectCreationOperation or IBinaryOperation ? consumer : null, [kept], scalar);
    }

    /// <summary>CL0002: the operators that take a number or add with an alpha of 1, the calls without their last Scalar, <c>square()</c>.</summary>
    static Candidate? ForHidden(SemanticModel model, SyntaxNode node, CancellationToken cancellation) =>
        model.GetOperation(node, cancellation) switch
        {
            IBinaryOperation { OperatorMethod: { ContainingAssembly.Name: "TorchSharp" } m } b when b.Syntax is BinaryExpressionSyntax => ForOperator(b, m),
            IInvocationOperation { TargetMethod.ContainingAssembly.Name: "TorchSharp" } call when call.Syntax is InvocationExpressionSyntax syntax =>
                ForCall(call, syntax),
            _ => null,
        };

    static Candidate? ForOperator(IBinaryOperation b, IMethodSymbol m)
    {
        if (m.Parameters.Length != 2) return null;
        var left = (ExpressionSyntax)b.LeftOperand.Syntax;
        var right = (ExpressionSyntax)b.RightOperand.Syntax;
        var (l, r) = (Kind(m.Parameters[0].Type), Kind(m.Parameters[1].Type));
        var keptLeft = l == Operand.Number ? Kept(b.LeftOperand) : null;
        var keptRight = r == Operand.Number ? Kept(b.RightOperand) : null;
        bool movableLeft = l == Operand.Scalar && Immutable(b.LeftOperand);
        ExpressionSyntax? replacement = (m.Name, l, r) switch
        {
            ("op_Addition", Operand.Tensor, Operand.Tensor or Operand.Scalar) => Call(left, "add", right, One()),
            ("op_Addition", Operand.Tensor, Operand.Number) when keptRight is not null => Call(left, "add", keptRight, One()),
            ("op_Addition", Operand.Number, Operand.Tensor) when keptLeft is not null => Call(right, "add", keptLeft, One()),
            ("op_Addition", Operand.Scalar, Operand.Tensor) when movableLeft => Call(right, "add", left, One()),
            ("op_Multiply" or "op_Subtraction" or "op_Division" or "op_Modulus", Operand.Tensor, Operand.Number) when keptRight is not null =>
                ((BinaryExpressionSyntax)b.Syntax).WithRight(keptRight),
            ("op_Multiply", Operand.Number, Operand.Tensor) when keptLeft is not null => ((BinaryExpressionSyntax)b.Syntax).WithLeft(keptLeft),
            ("op_Subtraction", Operand.Number, Operand.Tensor) when keptLeft is not null => Call(Call(right, "negative"), "add", keptLeft, One()),
            ("op_Subtraction", Operand.Scalar, Operand.Tensor) when movableLeft => Call(Call(right, "negative"), "add", left, One()),
            ("op_Division", Operand.Number, Operand.Tensor) when keptLeft is not null => Call(Call(right, "reciprocal"), "mul", keptLeft),
            ("op_Division", Operand.Scalar, Operand.Tensor) when movableLeft => Call(Call(right, "reciprocal"), "mul", left),
            _ => null,
        };
        return replacement is null ? null : Hidden(b, replacement);
    }

    static Candidate? ForCall(IInvocationOperation call, InvocationExpressionSyntax syntax)
    {
        var m = call.TargetMethod;
        // A positional argument cannot follow named ones.
        if (syntax.ArgumentList.Arguments.Any(a => a.NameColon is not null)) return null;
        if (m.Name is "add" or "add_" or "addcdiv" or "addcdiv_" && HasOverloadWithLastScalar(m))
            return Hidden(call, syntax.AddArgumentListArguments(Argument(One())));
        if (m.Name == "square" && Kind(m.ReturnType) == Operand.Tensor)
        {
            var two = Of("2L");
            if (!m.IsStatic && m.Parameters.Length == 0 && syntax.Expression is MemberAccessExpressionSyntax member)
                return Hidden(call, Call(member.Expression, "pow", two));
            if (m.IsStatic && m.Parameters.Length == 1 && Kind(m.Parameters[0].Type) == Operand.Tensor)
                return Hidden(call, Call(syntax.ArgumentList.Arguments[0].Expression, "pow", two));
        }
        return null;
    }

    /// <summary><c>add(Tensor)</c> next to <c>add(Tensor, Scalar)</c>: the same parameters, then the alpha (or value) TorchSharp sets to 1.</summary>
    static bool HasOverloadWithLastScalar(IMethodSymbol m) =>
        m.ContainingType.GetMembers(m.Name).OfType<IMethodSymbol>().Any(o =>
            o.IsStatic == m.IsStatic && o.Parameters.Length == m.Parameters.Length + 1
            && Kind(o.Parameters[o.Parameters.Length - 1].Type) == Operand.Scalar
            && m.Parameters.Select(p => p.Type).SequenceEqual(o.Parameters.Take(m.Parameters.Length).Select(p => p.Type), SymbolEqualityComparer.Default));

    /// <summary>A CL0002 fix: the replacement and every call it makes are checked, and it keeps the flagged expression's type.</summary>
    static Candidate Hidden(IOperation flagged, ExpressionSyntax replacement) =>
        new(new KeptScalarRewrite(flagged.Syntax, replacement, $"Use {Shown(replacement)}"), null,
            replacement.GetAnnotatedNodes(Made).OfType<ExpressionSyntax>().Prepend(replacement).Distinct().ToList(), flagged.Type);

    /// <summary>
    /// Binds the replacement where the flagged code is: it has the expected type, every call and operator it makes
    /// resolves, the TorchSharp ones make no temporary (IL scan) and the others are CachedScalars members, its kept values
    /// are CustomLosses.CachedScalars members, and a call it is an argument of keeps its overload.
    /// </summary>
    static bool Certain(SemanticModel model, Candidate c, HiddenScalarTemporaries scan, CancellationToken cancellation)
    {
        var position = c.Rewrite.Target.SpanStart;
        var replaced = model.GetSpeculativeTypeInfo(position, c.Rewrite.Replacement, SpeculativeBindingOption.BindAsExpression).Type;
        if (c.Expected is null || !SymbolEqualityComparer.Default.Equals(c.Expected, replaced)) return false;
        foreach (var e in c.Checked)
        {
            if (Bound(model, position, e) is not IMethodSymbol method) return false;
            if (method.ContainingAssembly?.Name == "TorchSharp")
            {
                if (scan.Reason((method.ReducedFrom ?? method).OriginalDefinition.MetadataToken) is not null) return false;
            }
            else if (!IsCachedScalars(method.ContainingType)) return false;
        }
        foreach (var kept in c.Rewrite.Replacement.GetAnnotatedNodes(KeptValue).OfType<ExpressionSyntax>())
            if (Bound(model, position, kept) is not { ContainingType: { } type } || !IsCachedScalars(type)) return false;
        if (c.Consumer is { Syntax: ExpressionSyntax consumer })
        {
            var before = model.GetSymbolInfo(consumer, cancellation).Symbol;
            var after = Bound(model, consumer.SpanStart, consumer.ReplaceNode(c.Rewrite.Target, c.Rewrite.Replacement));
            if (before is null || !SymbolEqualityComparer.Default.Equals(before, after)) return false;
        }
        return true;
    }

    /// <summary>What <paramref name="expression"/> (a node of a rewrite, bound on its own) refers to at <paramref name="position"/>.</summary>
    static ISymbol? Bound(SemanticModel model, int position, ExpressionSyntax expression) =>
        model.GetSpeculativeSymbolInfo(position, ParseExpression(expression.ToFullString()), SpeculativeBindingOption.BindAsExpression).Symbol;

    enum Operand { Other, Tensor, Scalar, Number }

    static Operand Kind(ITypeSymbol type) => type switch
    {
        { Name: "Tensor", ContainingType: { Name: "torch", ContainingNamespace.Name: "TorchSharp" } } => Operand.Tensor,
        { Name: "Scalar", ContainingNamespace: { Name: "TorchSharp", ContainingNamespace.IsGlobalNamespace: true } } => Operand.Scalar,
        { SpecialType: SpecialType.System_Double or SpecialType.System_Single or SpecialType.System_Int32 or SpecialType.System_Int64 } => Operand.Number,
        _ => Operand.Other,
    };

    /// <summary>
    /// <c>CachedScalars.Of(c)</c> for a constant <paramref name="value"/>: <c>Of(2L)</c> for an integer (an integer
    /// Scalar, as the conversion from int or long makes), <c>Of(1.5)</c> for a float or double (a floating Scalar; a
    /// float widens to double exactly, as libtorch's Scalar stores it). Null for anything else.
    /// </summary>
    static ExpressionSyntax? Kept(IOperation value)
    {
        if (value.ConstantValue is not { HasValue: true, Value: { } constant }) return null;
        return value.Type?.SpecialType switch
        {
            SpecialType.System_Int32 or SpecialType.System_Int64 or SpecialType.System_Int16 or SpecialType.System_SByte or SpecialType.System_Byte
                or SpecialType.System_UInt16 or SpecialType.System_UInt32 =>
                Of(Convert.ToInt64(constant, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture) + "L"),
            // Written as a float or double (a literal, a constant field): an integer widened to double here would bind Of(long).
            SpecialType.System_Double or SpecialType.System_Single when value is not IConversionOperation && value.Syntax is ExpressionSyntax e =>
                Of(e.WithoutTrivia()),
            _ => null,
        };
    }

    /// <summary>A CachedScalars member or a constant: nothing that evaluating another operand first could change.</summary>
    static bool Immutable(IOperation operand) => operand switch
    {
        { ConstantValue.HasValue: true } => true,
        IConversionOperation { IsImplicit: true } c => Immutable(c.Operand),
        IPropertyReferenceOperation { Property: { IsStatic: true, Name: "One" } p } => IsCachedScalars(p.ContainingType),
        IInvocationOperation { TargetMethod: { IsStatic: true, Name: "Of" } m } i =>
            IsCachedScalars(m.ContainingType) && i.Arguments.All(a => Immutable(a.Value)),
        _ => false,
    };

    static bool IsCachedScalars(INamedTypeSymbol type) =>
        type is { Name: "CachedScalars", ContainingNamespace: { Name: "CustomLosses", ContainingNamespace.IsGlobalNamespace: true } };

    /// <summary>Marks the calls and operators a rewrite makes, which <see cref="Certain"/> binds.</summary>
    static readonly SyntaxAnnotation Made = new("CustomLosses.KeptScalarRewrites.Made");

    /// <summary>Marks the kept values (<c>CachedScalars.Of(c)</c>, <c>CachedScalars.One</c>).</summary>
    static readonly SyntaxAnnotation KeptValue = new("CustomLosses.KeptScalarRewrites.KeptValue");

    static ExpressionSyntax Of(string literal) => Of(ParseExpression(literal));

    static ExpressionSyntax Of(ExpressionSyntax value) =>
        InvocationExpression(Name("Of"), ArgumentList(SingletonSeparatedList(Argument(value)))).WithAdditionalAnnotations(KeptValue);

    static ExpressionSyntax One() => Name("One").WithAdditionalAnnotations(KeptValue);

    /// <summary><c>global::CustomLosses.CachedScalars.member</c>, shortened by the simplifier to what the file's usings allow.</summary>
    static ExpressionSyntax Name(string member) =>
        MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, ParseExpression(CachedScalars), IdentifierName(member))
            .WithAdditionalAnnotations(Simplifier.Annotation);

    /// <summary><c>(receiver).name(arguments)</c>; the simplifier drops the parentheses where they are not needed.</summary>
    static ExpressionSyntax Call(ExpressionSyntax receiver, string name, params ExpressionSyntax[] arguments)
    {
        var target = receiver is IdentifierNameSyntax or MemberAccessExpressionSyntax or InvocationExpressionSyntax or ParenthesizedExpressionSyntax
            ? receiver.WithoutTrivia()
            : ParenthesizedExpression(receiver.WithoutTrivia());
        return InvocationExpression(MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, target, IdentifierName(name)),
                ArgumentList(SeparatedList(arguments.Select(a => Argument(a.WithoutTrivia())))))
            .WithAdditionalAnnotations(Made);
    }

    /// <summary>The replacement as a title shows it: <c>x.add(b, CachedScalars.One)</c>.</summary>
    static string Shown(ExpressionSyntax replacement) =>
        ScalarTemporaryAdvice.Squeezed(replacement.NormalizeWhitespace()).Replace(CachedScalars, "CachedScalars");
}

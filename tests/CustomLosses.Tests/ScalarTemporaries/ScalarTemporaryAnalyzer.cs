using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Operations;

namespace CustomLosses.Tests.ScalarTemporaries;

/// <summary>One place where code hands TorchSharp a Scalar that nothing keeps alive.</summary>
/// <param name="File">The source file (relative to the repository root for the real sources).</param>
/// <param name="Line">1-based line.</param>
/// <param name="Rule">Which rule: <see cref="ScalarTemporaryAnalyzer.ConversionRule"/>, <see cref="ScalarTemporaryAnalyzer.HiddenRule"/> or <see cref="ScalarTemporaryAnalyzer.UnkeptRule"/>.</param>
/// <param name="Expression">The expression as written.</param>
/// <param name="Why">What makes the temporary.</param>
/// <param name="Instead">What to write instead.</param>
internal sealed record ScalarTemporaryFinding(string File, int Line, string Rule, string Expression, string Why, string Instead)
{
    public override string ToString() => $"{File}:{Line}: [{Rule}] {Expression} -- {Why}; use {Instead}";
}

/// <summary>
/// Finds, with Roslyn's semantic model, the expressions that give TorchSharp a temporary <c>Scalar</c> (which a
/// garbage collection on another thread can finalize during the native call that reads it; see <see cref="CachedScalars"/>).
/// </summary>
/// <remarks>
/// Rules:
/// <list type="bullet">
/// <item><see cref="ConversionRule"/>: a user-defined conversion to <c>Scalar</c> (<c>x.add(1.5)</c>, <c>masked_fill(m, 0)</c>,
/// <c>clamp_min(Eps)</c> with an option field, <c>(Scalar)v</c>): the conversion makes a new Scalar each time.</item>
/// <item><see cref="HiddenRule"/>: a call of a TorchSharp member that makes a Scalar inside TorchSharp
/// (<see cref="HiddenScalarTemporaries"/>: <c>a + b</c> and <c>a.add(b)</c> with their alpha of 1, <c>x * 2.0</c>,
/// <c>1 - p</c>, <c>addcdiv(b, c)</c>, <c>linalg.vector_norm(x, ord)</c>, <c>square()</c>, <c>softplus(x)</c>, ...),
/// whether as a method, an operator, a property, a conversion or a method group.</item>
/// <item><see cref="UnkeptRule"/>: a call that returns a new Scalar (<c>1.5.ToScalar()</c>, <c>t.ToScalar()</c>) whose result
/// is not kept: only a <c>using</c> declaration or a static field or property initializer keeps one.</item>
/// </list>
/// The type <c>CustomLosses.CachedScalars</c> is exempt: it is where kept scalars are made.
/// </remarks>
internal static class ScalarTemporaryAnalyzer
{
    public const string ConversionRule = "number-to-Scalar conversion";
    public const string HiddenRule = "temporary Scalar inside TorchSharp";
    public const string UnkeptRule = "unkept Scalar";

    /// <summary>What SDK-style projects with ImplicitUsings get (Microsoft.NET.Sdk's list).</summary>
    const string ImplicitUsings = """
        global using global::System;
        global using global::System.Collections.Generic;
        global using global::System.IO;
        global using global::System.Linq;
        global using global::System.Net.Http;
        global using global::System.Threading;
        global using global::System.Threading.Tasks;
        """;

    /// <summary>The runtime's assemblies and TorchSharp (not CustomLosses itself: its types come from the sources).</summary>
    static readonly Lazy<IReadOnlyList<MetadataReference>> References = new(() => ReferencesFrom([typeof(TorchSharp.torch).Assembly.Location], exclude: "CustomLosses"));

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

    /// <summary>Every C# file under <paramref name="folder"/> (bin and obj left out), as (path relative to <paramref name="root"/>, text), in path order.</summary>
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

    /// <summary>Every finding in the compilation's syntax trees, in file and line order.</summary>
    public static IReadOnlyList<ScalarTemporaryFinding> Analyze(Compilation compilation, HiddenScalarTemporaries hidden)
    {
        var scalar = compilation.GetTypeByMetadataName("TorchSharp.Scalar") ?? throw new InvalidOperationException("TorchSharp.Scalar is not referenced");
        var findings = new Dictionary<(string, int, int, string), ScalarTemporaryFinding>();
        foreach (var tree in compilation.SyntaxTrees)
        {
            var model = compilation.GetSemanticModel(tree);
            var walker = new Walker(model, scalar, hidden, findings);
            foreach (var node in tree.GetRoot().DescendantNodes())
                if (model.GetOperation(node) is { Parent: null } root)
                    walker.Visit(root);
        }
        return findings.Values.OrderBy(f => f.File, StringComparer.Ordinal).ThenBy(f => f.Line).ToList();
    }

    sealed class Walker(SemanticModel model, INamedTypeSymbol scalar, HiddenScalarTemporaries hidden,
        Dictionary<(string, int, int, string), ScalarTemporaryFinding> findings) : OperationWalker
    {
        public override void VisitConversion(IConversionOperation operation)
        {
            if (operation.OperatorMethod is { } method)
            {
                if (SymbolEqualityComparer.Default.Equals(operation.Type, scalar) && !Kept(operation))
                    Add(operation, ConversionRule,
                        $"{Describe(operation.Operand)} becomes a new Scalar each time (Scalar.{method.Name}({method.Parameters[0].Type.ToDisplayString()}))",
                        ConversionAdvice(operation.Operand));
                else
                    CheckHidden(operation, method);
            }
            base.VisitConversion(operation);
        }

        public override void VisitInvocation(IInvocationOperation operation)
        {
            CheckHidden(operation, operation.TargetMethod);
            if (SymbolEqualityComparer.Default.Equals(operation.TargetMethod.ReturnType, scalar) && IsTorchSharp(operation.TargetMethod) && !Kept(operation))
                Add(operation, UnkeptRule, $"{operation.TargetMethod.Name}() returns a new Scalar that nothing keeps",
                    "a CachedScalars value, or keep it in a using declaration or a static field");
            base.VisitInvocation(operation);
        }

        public override void VisitBinaryOperator(IBinaryOperation operation)
        {
            CheckHidden(operation, operation.OperatorMethod);
            base.VisitBinaryOperator(operation);
        }

        public override void VisitUnaryOperator(IUnaryOperation operation)
        {
            CheckHidden(operation, operation.OperatorMethod);
            base.VisitUnaryOperator(operation);
        }

        public override void VisitCompoundAssignment(ICompoundAssignmentOperation operation)
        {
            CheckHidden(operation, operation.OperatorMethod);
            base.VisitCompoundAssignment(operation);
        }

        public override void VisitIncrementOrDecrement(IIncrementOrDecrementOperation operation)
        {
            CheckHidden(operation, operation.OperatorMethod);
            base.VisitIncrementOrDecrement(operation);
        }

        public override void VisitObjectCreation(IObjectCreationOperation operation)
        {
            CheckHidden(operation, operation.Constructor);
            base.VisitObjectCreation(operation);
        }

        public override void VisitMethodReference(IMethodReferenceOperation operation)
        {
            CheckHidden(operation, operation.Method);
            base.VisitMethodReference(operation);
        }

        public override void VisitPropertyReference(IPropertyReferenceOperation operation)
        {
            var assigned = operation.Parent is IAssignmentOperation a && a.Target == operation;
            if (!assigned || operation.Parent is ICompoundAssignmentOperation) CheckHidden(operation, operation.Property.GetMethod);
            if (assigned) CheckHidden(operation, operation.Property.SetMethod);
            base.VisitPropertyReference(operation);
        }

        void CheckHidden(IOperation operation, IMethodSymbol? method)
        {
            if (method is null || !IsTorchSharp(method)) return;
            var definition = (method.ReducedFrom ?? method).OriginalDefinition;
            if (hidden.Reason(definition.MetadataToken) is { } chain)
                Add(operation, HiddenRule, chain, HiddenAdvice(definition));
        }

        /// <summary>A Scalar made here is kept: in CachedScalars, or as a using declaration's or a static field's or property's value.</summary>
        bool Kept(IOperation operation)
        {
            for (var s = model.GetEnclosingSymbol(operation.Syntax.SpanStart); s is not null; s = s.ContainingSymbol)
                if (s is INamedTypeSymbol { Name: "CachedScalars" } t && t.ContainingNamespace.ToDisplayString() == "CustomLosses")
                    return true;
            var p = operation.Parent;
            while (p is IConversionOperation or IVariableInitializerOperation or IVariableDeclaratorOperation or IVariableDeclarationOperation
                   or IVariableDeclarationGroupOperation)
                p = p.Parent;
            return p switch
            {
                IUsingDeclarationOperation or IUsingOperation => true,
                IFieldInitializerOperation f => f.InitializedFields.All(x => x.IsStatic),
                IPropertyInitializerOperation q => q.InitializedProperties.All(x => x.IsStatic),
                _ => false,
            };
        }

        void Add(IOperation operation, string rule, string why, string instead)
        {
            var span = operation.Syntax.GetLocation().GetLineSpan();
            var key = (span.Path, operation.Syntax.SpanStart, operation.Syntax.Span.Length, rule);
            findings.TryAdd(key, new ScalarTemporaryFinding(span.Path, span.StartLinePosition.Line + 1, rule,
                Squeeze(operation.Syntax.ToString()), why, instead));
        }
    }

    static bool IsTorchSharp(ISymbol symbol) => symbol.ContainingAssembly?.Name == "TorchSharp";

    static string Squeeze(string code) => string.Join(' ', code.Split((char[])[' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries));

    static string Describe(IOperation operand)
    {
        var value = operand is IConversionOperation { IsImplicit: true } c ? c.Operand : operand;
        return $"{Squeeze(value.Syntax.ToString())} ({value.Type?.ToDisplayString() ?? "?"})";
    }

    static string ConversionAdvice(IOperation operand)
    {
        var value = operand is IConversionOperation { IsImplicit: true } c ? c.Operand : operand;
        var text = Squeeze(value.Syntax.ToString());
        bool integral = value.Type?.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64 or SpecialType.System_Int16
            or SpecialType.System_Byte or SpecialType.System_SByte or SpecialType.System_UInt16 or SpecialType.System_UInt32;
        if (integral && value.ConstantValue is { HasValue: true, Value: { } constant })
            return $"CachedScalars.Of({Convert.ToInt64(constant)}L)";
        return integral ? $"CachedScalars.Of((long){text})" : $"CachedScalars.Of({text})";
    }

    /// <summary>The temporary-free spelling of the TorchSharp members the losses are likely to use; a generic hint otherwise.</summary>
    static string HiddenAdvice(IMethodSymbol m)
    {
        var ps = m.Parameters.Select(p => p.Type.Name).ToArray();
        bool tensorFirst = ps.Length > 0 && ps[0] == "Tensor", numeric = ps.Any(p => p is "Double" or "Single" or "Int32" or "Int64");
        return (m.Name, ps.Length) switch
        {
            ("op_Addition", 2) when ps.All(p => p is "Tensor" or "Scalar") => "a.add(b, CachedScalars.One) (a tensor or a CachedScalars value b)",
            ("op_Addition", 2) => "a.add(CachedScalars.Of(c), CachedScalars.One)",
            ("op_Subtraction", 2) when !tensorFirst => "KeptScalarOps.Minus(c, t) (t.neg().add(CachedScalars.Of(c), CachedScalars.One), what TorchSharp's c - t does)",
            ("op_Multiply" or "op_Subtraction" or "op_Modulus", 2) when numeric => "the operator with a CachedScalars.Of(c) operand",
            ("op_Division", 2) when tensorFirst => "t / CachedScalars.Of(c)",
            ("op_Division", 2) => "t.reciprocal().mul(CachedScalars.Of(c)) (what TorchSharp's c / t does)",
            ("add" or "add_", 1) => $"{m.Name}(x, CachedScalars.One)",
            ("addcdiv" or "addcdiv_", 2) => $"{m.Name}(t1, t2, CachedScalars.One)",
            ("vector_norm", _) => "linalg.norm(x, ord, dims) (a double ord, converted in libtorch; same linalg_vector_norm for one dim) or x.norm(float)",
            ("square", _) => "x.pow(CachedScalars.Of(2L)) (what TorchSharp's square() does)",
            ("softplus", _) => "KeptScalarOps.Softplus(x) (TorchSharp's softplus with kept beta and threshold)",
            ("ToDouble" or "ToSingle" or "ToInt64" or "ToInt32" or "ToBoolean" or "op_Explicit", _) => "t.item<T>()",
            _ => "an overload that takes a Scalar, given a CachedScalars value",
        };
    }
}

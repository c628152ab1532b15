using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace CustomLosses.Analyzers;

/// <summary>
/// Reports, in any C# project that references TorchSharp, the expressions that hand TorchSharp a temporary
/// <c>Scalar</c>: one that a garbage collection on another thread can finalize during the native call that reads it, so
/// that libtorch throws "Expected false to be true" or computes with a freed value (docs/losses.md, "TorchSharp's
/// temporary scalars"). Pass kept scalars instead (<c>CustomLosses.CachedScalars</c>).
/// </summary>
/// <remarks>
/// Rules (<see cref="ScalarTemporaryRules"/>):
/// <list type="bullet">
/// <item>CL0001: a user-defined conversion to <c>Scalar</c> (<c>x.add(1.5)</c>, <c>masked_fill(m, 0)</c>,
/// <c>clamp_min(eps)</c>, <c>(Scalar)v</c>): the conversion makes a new Scalar each time.</item>
/// <item>CL0002: a call of a TorchSharp member that makes a Scalar inside TorchSharp (<see cref="HiddenScalarTemporaries"/>,
/// read from the referenced TorchSharp.dll: <c>a + b</c> and <c>a.add(b)</c> with their alpha of 1, <c>x * 2.0</c>,
/// <c>1 - p</c>, <c>square()</c>, <c>softplus(x)</c>, ...), as a method, an operator, a property, a conversion or a
/// method group.</item>
/// <item>CL0003: a call that returns a new Scalar (<c>1.5.ToScalar()</c>) whose result is not kept: only a <c>using</c>
/// declaration or a static field or property initializer keeps one.</item>
/// <item>CL0004 (info): a read that leaves an object whose finalizer is never suppressed (<see cref="FinalizerPressureReads"/>).</item>
/// <item>CL0005: the referenced TorchSharp.dll could not be read, so CL0002 is off.</item>
/// </list>
/// The type <c>CustomLosses.CachedScalars</c> is exempt: it is where kept scalars are made.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ScalarTemporaryAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ScalarTemporaryRules.All;

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(Start);
    }

    static void Start(CompilationStartAnalysisContext context)
    {
        var compilation = context.Compilation;
        if (compilation.GetTypeByMetadataName("TorchSharp.Scalar") is not { } scalar) return;   // no TorchSharp, nothing to check
        var hidden = TorchSharpScans.For(compilation, scalar.ContainingAssembly, out var whyNot);
        if (hidden is null)
            context.RegisterCompilationEndAction(end =>
                end.ReportDiagnostic(Diagnostic.Create(ScalarTemporaryRules.UnreadableTorchSharp, Location.None, whyNot)));
        bool keptScalarOps = compilation.GetTypeByMetadataName("CustomLosses.KeptScalarOps") is { } ops
            && compilation.IsSymbolAccessibleWithin(ops, compilation.Assembly);
        var check = new Checks(scalar, hidden, new ScalarTemporaryAdvice(keptScalarOps));

        context.RegisterOperationAction(check.Conversion, OperationKind.Conversion);
        context.RegisterOperationAction(check.Invocation, OperationKind.Invocation);
        context.RegisterOperationAction(c => check.Hidden(c, ((IBinaryOperation)c.Operation).OperatorMethod), OperationKind.Binary);
        context.RegisterOperationAction(c => check.Hidden(c, ((IUnaryOperation)c.Operation).OperatorMethod), OperationKind.Unary);
        context.RegisterOperationAction(c => check.Hidden(c, ((ICompoundAssignmentOperation)c.Operation).OperatorMethod), OperationKind.CompoundAssignment);
        context.RegisterOperationAction(c => check.Hidden(c, ((IIncrementOrDecrementOperation)c.Operation).OperatorMethod),
            OperationKind.Increment, OperationKind.Decrement);
        context.RegisterOperationAction(c => check.Hidden(c, ((IObjectCreationOperation)c.Operation).Constructor), OperationKind.ObjectCreation);
        context.RegisterOperationAction(c => check.Hidden(c, ((IMethodReferenceOperation)c.Operation).Method), OperationKind.MethodReference);
        context.RegisterOperationAction(check.PropertyReference, OperationKind.PropertyReference);
    }

    /// <summary>The checks of one compilation, against its TorchSharp.</summary>
    sealed class Checks(INamedTypeSymbol scalar, HiddenScalarTemporaries? hidden, ScalarTemporaryAdvice advice)
    {
        public void Conversion(OperationAnalysisContext context)
        {
            var operation = (IConversionOperation)context.Operation;
            if (operation.OperatorMethod is not { } method) return;
            if (SymbolEqualityComparer.Default.Equals(operation.Type, scalar))
            {
                if (!Kept(context, operation))
                    Report(context, ScalarTemporaryRules.Conversion, ScalarTemporaryAdvice.Described(operation.Operand),
                        $"Scalar.{method.Name}({method.Parameters[0].Type.ToDisplayString()})", ScalarTemporaryAdvice.ForConversion(operation.Operand));
            }
            else Hidden(context, method);
        }

        public void Invocation(OperationAnalysisContext context)
        {
            var operation = (IInvocationOperation)context.Operation;
            var method = operation.TargetMethod;
            Hidden(context, method);
            if (SymbolEqualityComparer.Default.Equals(method.ReturnType, scalar) && IsTorchSharp(method) && !Kept(context, operation))
                Report(context, ScalarTemporaryRules.Unkept, Written(context), ScalarTemporaryAdvice.ForUnkept);
            if (FinalizerPressureReads.Of(method) is { } read)
                Report(context, ScalarTemporaryRules.FinalizerPressure, Written(context), read.Leaves, read.Instead);
        }

        public void PropertyReference(OperationAnalysisContext context)
        {
            var operation = (IPropertyReferenceOperation)context.Operation;
            var assigned = operation.Parent is IAssignmentOperation a && a.Target == operation;
            var compound = operation.Parent is ICompoundAssignmentOperation;
            // One report per reference: a compound assignment calls both accessors, either may be the hidden one.
            if (!assigned || compound)
            {
                if (Hidden(context, operation.Property.GetMethod)) return;
                if (operation.Property.GetMethod is { } getter && FinalizerPressureReads.Of(getter) is { } read)
                    Report(context, ScalarTemporaryRules.FinalizerPressure, Written(context), read.Leaves, read.Instead);
            }
            if (assigned) Hidden(context, operation.Property.SetMethod);
        }

        /// <summary>Reports CL0002 when <paramref name="method"/> is a hidden TorchSharp member; whether it did.</summary>
        public bool Hidden(OperationAnalysisContext context, IMethodSymbol? method)
        {
            if (hidden is null || method is null || !IsTorchSharp(method)) return false;
            var definition = (method.ReducedFrom ?? method).OriginalDefinition;
            if (hidden.Reason(definition.MetadataToken) is not { } chain) return false;
            Report(context, ScalarTemporaryRules.Hidden, Written(context), chain, advice.ForHidden(definition));
            return true;
        }

        /// <summary>A Scalar made here is kept: in CachedScalars, or as a using declaration's or a static field's or property's value.</summary>
        static bool Kept(OperationAnalysisContext context, IOperation operation)
        {
            for (var s = context.ContainingSymbol; s is not null; s = s.ContainingSymbol)
                if (s is INamedTypeSymbol { Name: "CachedScalars", ContainingNamespace: { Name: "CustomLosses", ContainingNamespace.IsGlobalNamespace: true } })
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

        static void Report(OperationAnalysisContext context, DiagnosticDescriptor rule, params object[] arguments) =>
            context.ReportDiagnostic(Diagnostic.Create(rule, context.Operation.Syntax.GetLocation(), arguments));

        static string Written(OperationAnalysisContext context) => ScalarTemporaryAdvice.Squeezed(context.Operation.Syntax);
    }

    static bool IsTorchSharp(ISymbol symbol) => symbol.ContainingAssembly?.Name == "TorchSharp";
}

using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace CustomLosses.Analyzers;

/// <summary>
/// The TorchSharp reads that leave an object whose finalizer TorchSharp 0.107 never suppresses (rule CL0004), each
/// with a spelling that leaves none.
/// </summary>
/// <remarks>
/// <para>Listed by hand, not read from the IL like <see cref="HiddenScalarTemporaries"/>: a <c>PinnedArray</c> is made
/// by hundreds of TorchSharp members (every one that returns an array, or reads <c>shape</c> inside, as <c>dot</c>
/// does), so an IL-derived rule would flag most of TorchSharp, including members with no alternative. These are the
/// reads a loss or a training loop makes on every step and can avoid. The test FinalizerPressureReadTests measures each
/// at run time (at least one finalizable object per call, none for the alternative), so the list fails a test when a
/// TorchSharp upgrade fixes a read.</para>
/// </remarks>
internal static class FinalizerPressureReads
{
    /// <summary>One read: the object it leaves and what to write instead.</summary>
    internal sealed class Read(string name, string leaves, string instead)
    {
        /// <summary>The key the run-time test uses: <c>Tensor.shape</c>, <c>Tensor.item&lt;T&gt;()</c>.</summary>
        public string Name { get; } = name;

        /// <summary>The finalizable object one call leaves.</summary>
        public string Leaves { get; } = leaves;

        /// <summary>The spelling that leaves none.</summary>
        public string Instead { get; } = instead;
    }

    /// <summary>Every read of the rule, by <see cref="Read.Name"/>.</summary>
    public static ImmutableDictionary<string, Read> All { get; } = new[]
    {
        new Read("Tensor.shape", "PinnedArray<long>", "dim() and size(d) (CustomLosses.TensorShape.Same compares shapes)"),
        new Read("Tensor.size()", "PinnedArray<long>", "dim() and size(d)"),
        new Read("Tensor.item<T>()", "TensorAccessor<T>", "CustomLosses.HostValue.Read<T>(t)"),
        new Read("Tensor.dot(Tensor)", "PinnedArray<long> per shape it checks", "matmul(a, b) for one-dimensional a and b"),
    }.ToImmutableDictionary(r => r.Name, StringComparer.Ordinal);

    /// <summary>The read <paramref name="method"/> (a property getter for <c>shape</c>) is, or null.</summary>
    public static Read? Of(IMethodSymbol method)
    {
        if (method.ContainingType is not { Name: "Tensor", ContainingType: { Name: "torch", ContainingNamespace.Name: "TorchSharp" } }
            || method.ContainingAssembly?.Name != "TorchSharp")
            return null;
        var key = method switch
        {
            { MethodKind: MethodKind.PropertyGet, AssociatedSymbol.Name: "shape" } => "Tensor.shape",
            { Name: "size", Parameters.Length: 0 } => "Tensor.size()",
            { Name: "item", Arity: 1, Parameters.Length: 0 } => "Tensor.item<T>()",
            { Name: "dot", Parameters.Length: 1 } => "Tensor.dot(Tensor)",
            _ => null,
        };
        return key is null ? null : All[key];
    }
}

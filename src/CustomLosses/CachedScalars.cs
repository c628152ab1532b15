using System.Collections.Concurrent;
using TorchSharp;

namespace CustomLosses;

/// <summary>
/// TorchSharp <see cref="Scalar"/>s that live as long as the process, for the numbers a loss passes to tensor
/// operations (<c>x.clamp_min(CachedScalars.Of(eps))</c> instead of <c>x.clamp_min(eps)</c>).
/// </summary>
/// <remarks>
/// <para>Why: a C# number given to a TorchSharp operation becomes a temporary <see cref="Scalar"/> whose finalizer frees
/// the native scalar, and TorchSharp 0.107 reads its handle and calls libtorch without keeping the temporary alive. A
/// garbage collection started by another thread during that call can run the finalizer while libtorch still reads the
/// scalar: the operation then throws "Expected false to be true" (the scalar's type tag is garbage) or, worse, computes
/// with a freed value. Measured here with a thread collecting in a loop: about 1 in 10,000 <c>add(1.5)</c> or
/// <c>masked_fill(mask, 0)</c> calls failed; with a kept scalar none in 200,000. This is what crashed training inside
/// the fused NLL kernel. A cached scalar is always reachable, so it is never finalized.</para>
/// <para>Hidden temporaries to know about (made inside TorchSharp, so a kept argument does not help): <c>a + b</c>,
/// <c>a.add(b)</c>, <c>a.add_(b)</c> and <c>a.add(s)</c> without an alpha pass a temporary alpha of 1 (use
/// <c>a.add(b, CachedScalars.One)</c>); the operators that take a C# number (<c>x * 2.0</c>, <c>x / n</c>) convert it
/// (use <c>x * CachedScalars.Of(2.0)</c>); <c>c - t</c> is <c>t.negative().add(c)</c> (use <c>KeptScalarOps.Minus</c>);
/// <c>addcdiv(b, c)</c> without a value, <c>square()</c> (<c>pow(2)</c>), <c>arange(stop)</c>, <c>nn.functional.softplus</c>
/// and <c>linalg.vector_norm(x, ord)</c> (<c>linalg.norm(x, ord, dims)</c> converts in libtorch) make them too.
/// The analyzer src/CustomLosses.Analyzers (rules CL0001-CL0003, errors in this build, warnings in projects that use the
/// package) reports any of these: it reads TorchSharp.dll's IL for the members that make one, and Roslyn's semantic model
/// of the sources for the calls.</para>
/// <para>Loss formulas do not call this directly: they are written with <see cref="Term"/> and <see cref="KeptMath"/>
/// (<c>z + Softplus(-2.0 * z) - Log2</c>), whose operators and functions pass these kept scalars.</para>
/// <para>The cache holds one native scalar per distinct value (about 32 bytes each). Losses ask for option values and
/// element counts, a handful per run; there is no eviction because an evicted scalar could be finalized mid-call.</para>
/// </remarks>
public static class CachedScalars
{
    static readonly ConcurrentDictionary<long, Scalar> Doubles = new();
    static readonly ConcurrentDictionary<long, Scalar> Longs = new();

    /// <summary>The kept scalar for a floating-point value (NaN and signed zeros kept apart by their bits).</summary>
    public static Scalar Of(double value) =>
        Doubles.GetOrAdd(BitConverter.DoubleToInt64Bits(value), static bits => BitConverter.Int64BitsToDouble(bits).ToScalar());

    /// <summary>
    /// 1, for the <c>alpha</c> of <c>add</c>/<c>add_</c>: TorchSharp's <c>a.add(b)</c>, <c>a.add_(b)</c> and <c>a + b</c> pass a
    /// temporary 1 as alpha, so a hot path calls <c>a.add(b, CachedScalars.One)</c> instead.
    /// </summary>
    public static Scalar One { get; } = Of(1L);

    /// <summary>The kept scalar for an integer value (for integer tensors, such as class-index targets).</summary>
    public static Scalar Of(long value) => Longs.GetOrAdd(value, static v => v.ToScalar());
}

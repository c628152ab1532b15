using TorchSharp;
using static TorchSharp.torch;

namespace CustomLosses;

/// <summary>
/// A tensor inside a loss formula, so that the formula can be written as math (<c>z + Softplus(-2.0 * z) - Log2</c>,
/// <c>Margin - y * x</c>, <c>0.5 * d * d</c>) while TorchSharp is handed only kept scalars (see <see cref="CachedScalars"/>).
/// </summary>
/// <remarks>
/// <para>Why a type of its own: TorchSharp's <c>Tensor</c> already defines <c>a + b</c>, <c>x * 2.0</c> and <c>1 - x</c>,
/// each of which makes a temporary <see cref="Scalar"/> (an alpha of 1, the converted number). C# picks an operand type's
/// own operators before any other (C# 14 extension operators included), so those spellings cannot be redirected on
/// <c>Tensor</c>. As soon as one operand of <c>+ - * /</c> is a <see cref="Term"/>, C# picks the operators below instead,
/// and they make the same libtorch calls as the hand-written kept-scalar spelling, with the same scalar values and types,
/// so results are bit-identical:</para>
/// <list type="bullet">
/// <item><c>a + b</c> is <c>a.add(b, One)</c>; <c>a + c</c> and <c>c + a</c> are <c>a.add(Of(c), One)</c>.</item>
/// <item><c>a - b</c> and <c>a - c</c> are TorchSharp's <c>sub</c> (no alpha); <c>c - a</c> is <c>a.neg().add(Of(c), One)</c>,
/// what TorchSharp's <c>c - a</c> computes (<see cref="KeptScalarOps.Minus(double, Tensor)"/>).</item>
/// <item><c>c * a</c>, <c>a * c</c>, <c>a / c</c> are <c>mul</c>/<c>div</c> by <c>Of(c)</c>; <c>-a</c> is <c>a.neg()</c>;
/// <c>a &lt; c</c> (and <c>&lt;=</c>, <c>&gt;</c>, <c>&gt;=</c>) is <c>a.lt(Of(c))</c>, a boolean tensor.</item>
/// </list>
/// <para>A C# <c>double</c> becomes a floating scalar and an integer a <c>long</c> one (<c>1 - target</c> keeps an
/// int64 target int64), exactly as <c>CachedScalars.Of</c> would be called with it. A <see cref="Term"/> converts to and
/// from <c>Tensor</c> implicitly, so formula values pass straight to TorchSharp (<c>where(mask, near, far)</c>) and back.
/// The functions of <see cref="KeptMath"/> (<c>Softplus</c>, <c>Log1p</c>, <c>ClampMin</c>, ...) take tensors and return
/// terms, so a formula chains without casts. Two plain tensors still use TorchSharp's own operators: lift one
/// (<c>Term sum = a; sum + b</c>, or <c>T(a) + b</c>) before adding; the analyzer's CL0002 fails the build otherwise.</para>
/// <para>A <see cref="Term"/> is a struct holding a reference: it allocates nothing and has no finalizer.</para>
/// </remarks>
public readonly struct Term
{
    readonly Tensor tensor;

    Term(Tensor tensor) => this.tensor = tensor;

    /// <summary>The tensor.</summary>
    public Tensor Tensor => tensor;

    public static implicit operator Term(Tensor t) => new(t);
    public static implicit operator Tensor(Term t) => t.tensor;

    // a + b and a + c: add with a kept alpha of 1.
    public static Term operator +(Term a, Term b) => a.tensor.add(b.tensor, CachedScalars.One);
    public static Term operator +(Term a, Tensor b) => a.tensor.add(b, CachedScalars.One);
    public static Term operator +(Tensor a, Term b) => a.add(b.tensor, CachedScalars.One);
    public static Term operator +(Term a, double c) => a.tensor.add(CachedScalars.Of(c), CachedScalars.One);
    public static Term operator +(Term a, long c) => a.tensor.add(CachedScalars.Of(c), CachedScalars.One);
    public static Term operator +(double c, Term a) => a.tensor.add(CachedScalars.Of(c), CachedScalars.One);
    public static Term operator +(long c, Term a) => a.tensor.add(CachedScalars.Of(c), CachedScalars.One);

    // a - b and a - c: TorchSharp's sub (no alpha); c - a as TorchSharp computes it, a.neg().add(c).
    public static Term operator -(Term a, Term b) => a.tensor - b.tensor;
    public static Term operator -(Term a, Tensor b) => a.tensor - b;
    public static Term operator -(Tensor a, Term b) => a - b.tensor;
    public static Term operator -(Term a, double c) => a.tensor - CachedScalars.Of(c);
    public static Term operator -(Term a, long c) => a.tensor - CachedScalars.Of(c);
    public static Term operator -(double c, Term a) => KeptScalarOps.Minus(c, a.tensor);
    public static Term operator -(long c, Term a) => KeptScalarOps.Minus(c, a.tensor);
    public static Term operator -(Term a) => a.tensor.neg();

    public static Term operator *(Term a, Term b) => a.tensor * b.tensor;
    public static Term operator *(Term a, Tensor b) => a.tensor * b;
    public static Term operator *(Tensor a, Term b) => a * b.tensor;
    public static Term operator *(Term a, double c) => a.tensor * CachedScalars.Of(c);
    public static Term operator *(Term a, long c) => a.tensor * CachedScalars.Of(c);
    public static Term operator *(double c, Term a) => CachedScalars.Of(c) * a.tensor;
    public static Term operator *(long c, Term a) => CachedScalars.Of(c) * a.tensor;

    public static Term operator /(Term a, Term b) => a.tensor / b.tensor;
    public static Term operator /(Term a, Tensor b) => a.tensor / b;
    public static Term operator /(Tensor a, Term b) => a / b.tensor;
    public static Term operator /(Term a, double c) => a.tensor / CachedScalars.Of(c);
    public static Term operator /(Term a, long c) => a.tensor / CachedScalars.Of(c);

    // Comparisons with a number: boolean tensors, for where(...) masks.
    public static Tensor operator <(Term a, double c) => a.tensor.lt(CachedScalars.Of(c));
    public static Tensor operator >(Term a, double c) => a.tensor.gt(CachedScalars.Of(c));
    public static Tensor operator <=(Term a, double c) => a.tensor.le(CachedScalars.Of(c));
    public static Tensor operator >=(Term a, double c) => a.tensor.ge(CachedScalars.Of(c));
    public static Tensor operator <(Term a, long c) => a.tensor.lt(CachedScalars.Of(c));
    public static Tensor operator >(Term a, long c) => a.tensor.gt(CachedScalars.Of(c));
    public static Tensor operator <=(Term a, long c) => a.tensor.le(CachedScalars.Of(c));
    public static Tensor operator >=(Term a, long c) => a.tensor.ge(CachedScalars.Of(c));
}

/// <summary>
/// The functions a loss formula is written with (<c>using static CustomLosses.KeptMath;</c>): each takes tensors (or
/// <see cref="Term"/>s) and numbers, hands TorchSharp only kept scalars and returns a <see cref="Term"/>, so
/// <c>Log1p(2.0 * s * s)</c> or <c>ClampMin(Margin - y * x, 0L)</c> reads as the formula and makes the same libtorch
/// calls as the spelled-out <c>x.clamp_min(CachedScalars.Of(0L))</c>.
/// </summary>
public static class KeptMath
{
    /// <summary>log 2.</summary>
    public static readonly double Log2 = Math.Log(2.0);

    /// <summary>A tensor as a <see cref="Term"/>, to start a sum of two plain tensors: <c>T(a) + b</c>.</summary>
    public static Term T(Tensor t) => t;

    /// <summary>The kept scalar for <paramref name="c"/>, for a TorchSharp method that takes one: <c>x.ne(S(-100L))</c>.</summary>
    public static Scalar S(double c) => CachedScalars.Of(c);

    /// <summary>The kept integer scalar for <paramref name="c"/> (class indices, integer targets).</summary>
    public static Scalar S(long c) => CachedScalars.Of(c);

    /// <summary><c>0, 1, ..., stop - 1</c> (<see cref="KeptScalarOps.Arange"/>).</summary>
    public static Tensor Arange(long stop, ScalarType dtype, Device device) => KeptScalarOps.Arange(stop, dtype, device);

    public static Term Abs(Tensor x) => x.abs();
    public static Term Exp(Tensor x) => x.exp();
    public static Term Expm1(Tensor x) => x.expm1();
    public static Term Log(Tensor x) => x.log();
    public static Term Log1p(Tensor x) => x.log1p();
    public static Term Sinh(Tensor x) => x.sinh();
    public static Term Sqrt(Tensor x) => x.sqrt();
    public static Term Sigmoid(Tensor x) => x.sigmoid();
    public static Term Relu(Tensor x) => x.relu();

    /// <summary><c>log sigmoid(x)</c> (<c>nn.functional.logsigmoid</c>).</summary>
    public static Term LogSigmoid(Tensor x) => nn.functional.logsigmoid(x);

    /// <summary><c>softplus(x) = log(1 + e^x)</c> with beta 1 and threshold 20 (<see cref="KeptScalarOps.Softplus"/>).</summary>
    public static Term Softplus(Tensor x) => KeptScalarOps.Softplus(x);

    /// <summary><c>max(x, c)</c>, <c>x.clamp_min(c)</c>.</summary>
    public static Term ClampMin(Tensor x, double c) => x.clamp_min(CachedScalars.Of(c));

    /// <summary><c>max(x, c)</c> with an integer scalar, <c>x.clamp_min(c)</c>.</summary>
    public static Term ClampMin(Tensor x, long c) => x.clamp_min(CachedScalars.Of(c));

    /// <summary><c>min(max(x, lo), hi)</c>, as <c>x.clamp_min(lo).clamp_max(hi)</c>.</summary>
    public static Term Clamp(Tensor x, double lo, double hi) => x.clamp_min(CachedScalars.Of(lo)).clamp_max(CachedScalars.Of(hi));

    /// <summary>The element-wise maximum, <c>a.maximum(b)</c>.</summary>
    public static Term Max(Tensor a, Tensor b) => a.maximum(b);

    /// <summary>The element-wise minimum, <c>a.minimum(b)</c>.</summary>
    public static Term Min(Tensor a, Tensor b) => a.minimum(b);

    /// <summary><c>x^c</c>, <c>x.pow(c)</c>.</summary>
    public static Term Pow(Tensor x, double c) => x.pow(CachedScalars.Of(c));
}

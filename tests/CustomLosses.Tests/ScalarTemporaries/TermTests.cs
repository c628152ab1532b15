using Xunit;
using static CustomLosses.KeptMath;
using static TorchSharp.torch;

namespace CustomLosses.Tests.ScalarTemporaries;

/// <summary>
/// <see cref="Term"/>'s operators and <see cref="KeptMath"/>'s functions make the same libtorch calls as the
/// spelled-out kept forms the losses used before (<c>CachedScalars.Of</c>, <c>add(b, CachedScalars.One)</c>,
/// <c>KeptScalarOps.Minus</c>): value and gradient bit for bit, float32 and float64, and integer tensors stay integer.
/// </summary>
public class TermTests
{
    public static TheoryData<ScalarType> Dtypes => new() { ScalarType.Float32, ScalarType.Float64 };

    /// <summary>(what, the earlier spelling, the formula spelling) over x and a second tensor b.</summary>
    static readonly (string What, Func<Tensor, Tensor, Tensor> Old, Func<Tensor, Tensor, Tensor> New)[] Pairs =
    [
        ("a + b", (x, b) => x.add(b, CachedScalars.One), (x, b) => T(x) + b),
        ("b + a", (x, b) => b.add(x, CachedScalars.One), (x, b) => b + T(x)),
        ("a + c", (x, b) => x.add(CachedScalars.Of(1.5), CachedScalars.One), (x, b) => T(x) + 1.5),
        ("c + a", (x, b) => x.add(CachedScalars.Of(1.5), CachedScalars.One), (x, b) => 1.5 + T(x)),
        ("a - b", (x, b) => x - b, (x, b) => T(x) - b),
        ("a - c", (x, b) => x - CachedScalars.Of(0.25), (x, b) => T(x) - 0.25),
        ("c - a", (x, b) => KeptScalarOps.Minus(0.7, x), (x, b) => 0.7 - T(x)),
        ("1 - a", (x, b) => KeptScalarOps.Minus(1, x), (x, b) => 1 - T(x)),
        ("-a", (x, b) => x.neg(), (x, b) => -T(x)),
        ("c * a", (x, b) => CachedScalars.Of(-2.0) * x, (x, b) => -2.0 * T(x)),
        ("a * c", (x, b) => x * CachedScalars.Of(0.3), (x, b) => T(x) * 0.3),
        ("a * b", (x, b) => x * b, (x, b) => T(x) * b),
        ("a / c", (x, b) => x / CachedScalars.Of(3.0), (x, b) => T(x) / 3.0),
        ("a / b", (x, b) => x / b, (x, b) => T(x) / b),
        ("log-cosh far", (x, b) => x.abs().add(KeptScalarOps.Softplus(CachedScalars.Of(-2.0) * x.abs()), CachedScalars.One) - CachedScalars.Of(Math.Log(2.0)),
            (x, b) => Abs(x) + Softplus(-2.0 * Abs(x)) - Log2),
        ("clamp", (x, b) => x.clamp_min(CachedScalars.Of(-1.0)).clamp_max(CachedScalars.Of(1.0)), (x, b) => Clamp(x, -1.0, 1.0)),
        ("clamp_min long", (x, b) => x.clamp_min(CachedScalars.Of(0L)), (x, b) => ClampMin(x, 0L)),
        ("pow", (x, b) => x.abs().pow(CachedScalars.Of(1.7)), (x, b) => Pow(Abs(x), 1.7)),
        ("where a <= c", (x, b) => where(x.le(CachedScalars.Of(0.5)), x, b), (x, b) => where(T(x) <= 0.5, x, b)),
    ];

    [Theory]
    [MemberData(nameof(Dtypes))]
    public void Term_operators_are_the_spelled_out_kept_forms(ScalarType dtype)
    {
        manual_seed(7);
        var x0 = cat([randn(64, dtype: dtype) * 3, tensor(new[] { 1.0, -0.0, 0.0, 1e-30, 25.0 }).to(dtype)]);
        var b0 = randn(69, dtype: dtype);
        foreach (var (what, old, @new) in Pairs)
        {
            using var scope = NewDisposeScope();
            var (v1, g1) = ValueAndGradient(x0, b0, old);
            var (v2, g2) = ValueAndGradient(x0, b0, @new);
            Assert.True(SameBits(v1, v2), $"{what}: values differ");
            Assert.True(SameBits(g1, g2), $"{what}: gradients differ");
        }
    }

    [Fact]
    public void An_integer_number_keeps_an_integer_tensor_integer()
    {
        var y = tensor(new long[] { 0, 1, 5, -3 });
        Assert.True(SameBits(KeptScalarOps.Minus(1, y), 1 - T(y)), "1 - y differs");
        Assert.True(SameBits(y - CachedScalars.Of(1L), T(y) - 1), "y - 1 differs");
        Assert.True(SameBits(y.add(CachedScalars.Of(2L), CachedScalars.One), T(y) + 2), "y + 2 differs");
        Assert.Equal(ScalarType.Int64, ((Tensor)(1 - T(y))).dtype);
        Assert.Equal(ScalarType.Float32, ((Tensor)(0.5 * T(y))).dtype);
    }

    static (Tensor Value, Tensor Gradient) ValueAndGradient(Tensor x0, Tensor b0, Func<Tensor, Tensor, Tensor> f)
    {
        var x = x0.detach().clone().requires_grad_();
        var y = f(x, b0);
        var w = linspace(0.5, 1.5, y.numel(), dtype: y.dtype).reshape(y.shape);
        var g = autograd.grad([y], [x], [w], allow_unused: true)[0];
        return (y.detach().clone(), g is null || g.IsInvalid ? zeros_like(x0) : g.detach().clone());
    }

    static bool SameBits(Tensor a, Tensor b) =>
        a.dtype == b.dtype && a.shape.SequenceEqual(b.shape) && a.contiguous().bytes.ToArray().SequenceEqual(b.contiguous().bytes.ToArray());
}

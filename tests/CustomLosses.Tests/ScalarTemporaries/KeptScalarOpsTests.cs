using Xunit;
using static TorchSharp.torch;

namespace CustomLosses.Tests.ScalarTemporaries;

/// <summary>
/// The temporary-free spellings the losses use are bit-identical to the TorchSharp spellings they replaced: value,
/// gradient and second derivative, float32 and float64. (These tests call the old spellings as the yardstick.)
/// </summary>
public class KeptScalarOpsTests
{
    public static TheoryData<ScalarType> Dtypes => new() { ScalarType.Float32, ScalarType.Float64 };

    [Theory]
    [MemberData(nameof(Dtypes))]
    public void Softplus_is_TorchSharps_softplus(ScalarType dtype)
    {
        manual_seed(3);
        // Both sides of the threshold (20) and large negative arguments.
        var x = cat([randn(64, dtype: dtype) * 30, tensor(new[] { -2e3, -20.0, 19.999, 20.0, 20.001, 0.0 }).to(dtype)]);
        AssertSameThroughSecondDerivative(x, t => nn.functional.softplus(t), KeptScalarOps.Softplus);
    }

    [Theory]
    [MemberData(nameof(Dtypes))]
    public void Minus_is_TorchSharps_number_minus_tensor(ScalarType dtype)
    {
        manual_seed(4);
        var x = cat([randn(64, dtype: dtype), tensor(new[] { 1.0, -0.0, 0.0, 1e-30, 1e30 }).to(dtype)]);
        AssertSameThroughSecondDerivative(x, t => 1 - t, t => KeptScalarOps.Minus(1, t));
        AssertSameThroughSecondDerivative(x, t => 0.7 - t, t => KeptScalarOps.Minus(0.7, t));
        // An integer tensor stays an integer tensor (an integer Scalar, as 1 - t passes).
        var y = tensor(new long[] { 0, 1, 5, -3 });
        var expected = 1 - y;
        var actual = KeptScalarOps.Minus(1, y);
        Assert.True(SameBits(expected, actual), "1 - y differs");
    }

    [Fact]
    public void Arange_is_TorchSharps_arange()
    {
        var expected = arange(7L, dtype: ScalarType.Int64, device: CPU);
        var actual = KeptScalarOps.Arange(7, ScalarType.Int64, CPU);
        Assert.True(SameBits(expected, actual), "arange differs");
    }

    [Theory]
    [MemberData(nameof(Dtypes))]
    public void Linalg_norm_over_one_dim_is_vector_norm(ScalarType dtype)
    {
        // TripletMarginLoss's distance: linalg.norm(x, p, [-1]) for linalg.vector_norm(x, p, [-1]).
        manual_seed(5);
        var x = randn(6, 9, dtype: dtype);
        foreach (var p in new[] { 1.0, 2.0, 3.0, 7.0 })
            AssertSameThroughSecondDerivative(x, t => linalg.vector_norm(t, p, [-1]), t => linalg.norm(t, p, [-1]));
    }

    /// <summary>Same value, gradient and Hessian-vector product, bit for bit.</summary>
    static void AssertSameThroughSecondDerivative(Tensor x0, Func<Tensor, Tensor> old, Func<Tensor, Tensor> kept)
    {
        using var scope = NewDisposeScope();
        var (v1, g1, h1) = Derivatives(x0, old);
        var (v2, g2, h2) = Derivatives(x0, kept);
        Assert.True(SameBits(v1, v2), "values differ");
        Assert.True(SameBits(g1, g2), "gradients differ");
        Assert.True(SameBits(h1, h2), "second derivatives differ");
    }

    /// <summary>A plain copy: a second derivative can be one of libtorch's storage-less zero tensors, which has no bytes to compare.</summary>
    static Tensor Materialize(Tensor t) => empty(t.shape, dtype: t.dtype).copy_(t);

    static bool SameBits(Tensor a, Tensor b) =>
        a.dtype == b.dtype && a.shape.SequenceEqual(b.shape) && a.contiguous().bytes.ToArray().SequenceEqual(b.contiguous().bytes.ToArray());

    static (Tensor Value, Tensor Gradient, Tensor Hvp) Derivatives(Tensor x0, Func<Tensor, Tensor> f)
    {
        var x = x0.detach().clone().requires_grad_();
        var y = f(x);
        var w = linspace(0.5, 1.5, y.numel(), dtype: y.dtype).reshape(y.shape);
        var g = autograd.grad([y], [x], [w], retain_graph: true, create_graph: true)[0];
        // A gradient that does not depend on x (1 - x) has no graph: its derivative is 0 (libtorch would throw).
        var h = g.requires_grad ? autograd.grad([(g * x.detach().cos()).sum()], [x], allow_unused: true)[0] : null;
        return (Materialize(y.detach()), Materialize(g.detach()), h is null || h.IsInvalid ? zeros_like(x0) : Materialize(h));
    }
}

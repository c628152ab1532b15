using Xunit;
using static TorchSharp.torch;

namespace CustomLosses.Tests.Kernels;

/// <summary>
/// Second derivatives through the hand-written backwards: the Hessian-vector product of every fast path equals
/// libtorch's built-in's (whose double backward is libtorch's own), for every reduction.
/// </summary>
public class FusedKernelDoubleBackwardTests
{
    [Theory]
    [MemberData(nameof(FusedKernelCase.Names), MemberType = typeof(FusedKernelCase))]
    public void Hessian_vector_product_matches_libtorch(string name)
    {
        var c = FusedKernelCase.Named(name);
        using var scope = NewDisposeScope();
        manual_seed(7);
        var x0 = c.Input();
        var t = c.Target();
        var (gCustom, hvpCustom) = GradientAndHvp((x, y) => c.Custom.call(x, y), x0, t);
        var (gBuiltIn, hvpBuiltIn) = GradientAndHvp(c.BuiltIn, x0, t);
        AssertClose(gBuiltIn, gCustom, $"{name}: gradient under create_graph");
        AssertClose(hvpBuiltIn, hvpCustom, $"{name}: Hessian-vector product");
    }

    [Fact]
    public void A_wrong_second_derivative_is_caught()
    {
        // Planted: a "loss" whose first derivative matches MSE's (at this point) but whose second does not.
        using var scope = NewDisposeScope();
        manual_seed(7);
        var x0 = randn(8, 3, dtype: ScalarType.Float64);
        var t = randn(8, 3, dtype: ScalarType.Float64);
        var (_, hvpTrue) = GradientAndHvp((x, y) => nn.functional.mse_loss(x, y), x0, t);
        var (_, hvpWrong) = GradientAndHvp((x, y) => (x - y).pow(3).abs().mean(), x0, t);
        Assert.ThrowsAny<Exception>(() => AssertClose(hvpTrue, hvpWrong, "planted"));
    }

    /// <summary>The gradient of the (weighted, for reduction none) loss and the product of its Hessian with a fixed v.</summary>
    static (Tensor Gradient, Tensor Hvp) GradientAndHvp(Func<Tensor, Tensor, Tensor> loss, Tensor x0, Tensor target)
    {
        var x = x0.detach().clone().requires_grad_();
        var value = loss(x, target);
        if (value.dim() > 0) value = (value * linspace(0.5, 1.5, value.shape[0], dtype: value.dtype)).sum();
        var g = autograd.grad([value], [x], retain_graph: true, create_graph: true)[0];
        var v = cos(arange(x.numel(), dtype: x.dtype)).reshape(x.shape);
        // "+ 0 * sum(x)" keeps x in the graph where the gradient does not depend on it (NLL), which autograd.grad needs.
        var hvp = autograd.grad([(g * v).sum() + x.sum() * 0.0], [x])[0];
        return (g.detach(), hvp);
    }

    static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        var e = expected.data<double>().ToArray();
        var a = actual.data<double>().ToArray();
        Assert.Equal(e.Length, a.Length);
        for (int i = 0; i < e.Length; i++)
            Assert.True(Math.Abs(e[i] - a[i]) <= 1e-10 * Math.Max(1, Math.Abs(e[i])), $"{what}: element {i}: libtorch {e[i]}, custom {a[i]}");
    }
}

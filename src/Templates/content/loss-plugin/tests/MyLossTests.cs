using CustomLosses;
using CustomLosses.Catalog;
using Xunit;
using static TorchSharp.torch;

namespace MyLosses.Tests;

/// <summary>
/// Quick checks while you write the loss; <c>harness validate --plugin ../src/MyLosses.csproj</c> is the full one
/// (finite differences in float64, float32 agreement, second derivatives, reduction and batch-order properties).
/// </summary>
public class MyLossTests
{
    /// <summary>Registers the project's losses, as the harness does when it loads the plugin (again is a no-op).</summary>
    public MyLossTests() => LossRegistry.Register(RegisteredLosses.In(typeof(MyLoss).Assembly, typeof(MyLoss).Assembly.Location));

    [Fact]
    public void The_spec_is_one_the_harness_accepts()
    {
        Assert.Empty(LossSpecProblems.Of(MyLoss.Spec));
    }

    [Theory]
    [InlineData(nn.Reduction.None)]
    [InlineData(nn.Reduction.Mean)]
    [InlineData(nn.Reduction.Sum)]
    public void The_module_equals_its_float64_formula(nn.Reduction reduction)
    {
        using var scope = NewDisposeScope();
        manual_seed(0);
        var input = randn(16, dtype: ScalarType.Float64) * 3;
        var target = randn(16, dtype: ScalarType.Float64);
        var options = LossRegistry.Resolve(MyLoss.Spec.Name, LossOptions.Of(("reduction", reduction)));
        using var loss = MyLoss.Spec.Factory(options) as nn.Module<Tensor, Tensor, Tensor>;
        var value = loss!.call(input, target).data<double>().ToArray();
        var expected = MyLoss.Spec.Float64Formula!([HostArray.From(input), HostArray.From(target)], options, reduction);
        Assert.Equal(expected.Length, value.Length);
        for (int i = 0; i < value.Length; i++) Assert.Equal(expected[i], value[i], 1e-12);
    }

    [Fact]
    public void The_gradient_matches_finite_differences_of_the_formula()
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        var input = (randn(8, dtype: ScalarType.Float64) * 2).requires_grad_();
        var target = randn(8, dtype: ScalarType.Float64);
        var options = LossRegistry.Resolve(MyLoss.Spec.Name, LossOptions.Of(("reduction", "sum")));
        using var loss = MyLoss.Spec.Factory(options) as nn.Module<Tensor, Tensor, Tensor>;
        loss!.call(input, target).backward();
        var gradient = input.grad!.data<double>().ToArray();
        var x = HostArray.From(input).Data;
        var y = HostArray.From(target);
        const double h = 1e-6;
        for (int i = 0; i < x.Length; i++)
        {
            double At(double xi)
            {
                var shifted = (double[])x.Clone();
                shifted[i] = xi;
                return MyLoss.Spec.Float64Formula!([new HostArray(shifted, [x.Length]), y], options, nn.Reduction.Sum)[0];
            }
            Assert.Equal((At(x[i] + h) - At(x[i] - h)) / (2 * h), gradient[i], 1e-6);
        }
    }
}

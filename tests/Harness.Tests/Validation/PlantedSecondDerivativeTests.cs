using CustomLosses;
using CustomLosses.Catalog;
using Harness.Validation;
using Harness.Validation.Checks.Regression;
using Xunit;
using static TorchSharp.torch;

namespace Harness.Tests.Validation;

/// <summary>
/// The second-derivative check catches what the first-order checks cannot: a loss with the right value and the right
/// gradient, whose gradient is built from detached pieces, so that double backward gives a wrong Hessian.
/// </summary>
public class PlantedSecondDerivativeTests
{
    /// <summary>(x - y)^2 written as 2 d.detach() d - d.detach()^2: MSE's value and gradient, Hessian 0 instead of 2.</summary>
    sealed class DetachedHessianMse(nn.Reduction reduction) : CustomLoss(nameof(DetachedHessianMse), reduction)
    {
        public override Tensor forward(Tensor input, Tensor target)
        {
            var d = input - target;
            var fixedD = d.detach();
            return Reduce(fixedD.mul(CachedScalars.Of(2.0)).mul(d).sub(fixedD.mul(fixedD)));
        }
    }

    [Fact]
    public void A_right_gradient_with_a_wrong_hessian_fails_second_derivatives_only()
    {
        var result = new ParityValidator(CPU, [ScalarType.Float64, ScalarType.Float32])
            .Validate(new MseCheck(), o => new DetachedHessianMse(LossRegistry.Resolve("mse", o).Reduction));
        Assert.False(result.Passed);
        Assert.Contains(result.Failures, f => f.Quantity == "Hessian-vector product of input 0 vs finite differences of the gradient");
        Assert.Contains(result.Failures, f => f.Quantity == "Hessian-vector product of input 1 vs finite differences of the gradient");
        Assert.All(result.Failures, f => Assert.Equal(ValidationCheckKind.SecondDerivatives, f.Check));
        Assert.InRange(result.WorstSecondDerivativeError, 0.5, double.PositiveInfinity);
    }

    [Fact]
    public void The_real_mse_has_the_right_hessian()
    {
        var result = new ParityValidator(CPU, [ScalarType.Float64]).Validate(new MseCheck());
        Assert.True(result.Passed, string.Join("\n", result.Failures));
        var coverage = result.Coverage.Single(c => c.Kind == ValidationCheckKind.SecondDerivatives);
        Assert.True(coverage.Applied > 0);
        Assert.InRange(result.WorstSecondDerivativeError, 0, Tolerance.FiniteDifference.Relative);
    }
}

using CustomLosses;
using CustomLosses.Catalog;
using Harness.Validation;
using Harness.Validation.Checks.Regression;
using Xunit;
using static TorchSharp.torch;

namespace Harness.Tests.Validation;

/// <summary>The validator must catch a loss off by a factor and a loss with a wrong gradient.</summary>
public class PlantedBugTests
{
    /// <summary>MSE scaled by 1.01: values wrong, gradients wrong by the same factor.</summary>
    sealed class ScaledMse(nn.Reduction reduction) : CustomLoss("ScaledMse", reduction)
    {
        public override Tensor forward(Tensor input, Tensor target)
        {
            var d = input - target;
            return Reduce(d * d * 1.01);
        }
    }

    /// <summary>Correct MSE value; the backward pass forgets the factor 2.</summary>
    sealed class MseWithWrongBackward : autograd.SingleTensorFunction<MseWithWrongBackward>
    {
        public override string Name => nameof(MseWithWrongBackward);

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
        {
            var diff = (Tensor)vars[0] - (Tensor)vars[1];
            ctx.save_for_backward([diff]);
            return diff * diff;
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradOutput)
        {
            var diff = ctx.get_saved_variables()[0];
            return [gradOutput * diff, -(gradOutput * diff)];
        }
    }

    sealed class WrongBackwardMse(nn.Reduction reduction) : CustomLoss("WrongBackwardMse", reduction)
    {
        public override Tensor forward(Tensor input, Tensor target) => Reduce(MseWithWrongBackward.apply(input, target));
    }

    /// <summary>Correct value, but one factor is detached: the gradient is half what it should be.</summary>
    sealed class DetachedMse(nn.Reduction reduction) : CustomLoss("DetachedMse", reduction)
    {
        public override Tensor forward(Tensor input, Tensor target)
        {
            var d = input - target;
            return Reduce(d * d.detach());
        }
    }

    static ParityValidator Validator => new(CPU, [ScalarType.Float64, ScalarType.Float32]);

    static nn.Reduction ReductionOf(LossOptions o) =>
        LossRegistry.Resolve("mse", o).Reduction;

    [Fact]
    public void The_real_mse_passes()
    {
        var result = Validator.Validate(new MseCheck());
        Assert.True(result.Passed, string.Join("\n", result.Failures));
        Assert.Empty(result.BuiltInDefects);
    }

    [Fact]
    public void A_loss_scaled_by_1_01_fails_on_values_and_gradients()
    {
        var result = Validator.Validate(new MseCheck(), o => new ScaledMse(ReductionOf(o)));
        Assert.False(result.Passed);
        Assert.Contains(result.Failures, f => f.Quantity == "value vs built-in" && f.DType == "float64");
        Assert.Contains(result.Failures, f => f.Quantity == "value vs built-in" && f.DType == "float32");
        Assert.Contains(result.Failures, f => f.Quantity.StartsWith("gradient of input 0 vs built-in"));
        Assert.Empty(result.BuiltInDefects);
        Assert.InRange(result.WorstValueError, 0.009, 0.011);
    }

    [Fact]
    public void A_wrong_backward_in_a_custom_autograd_function_fails()
    {
        var result = Validator.Validate(new MseCheck(), o => new WrongBackwardMse(ReductionOf(o)));
        Assert.False(result.Passed);
        Assert.DoesNotContain(result.Failures, f => f.Quantity.StartsWith("value"));
        Assert.Contains(result.Failures, f => f.Quantity == "gradient of input 0 vs built-in");
        Assert.Contains(result.Failures, f => f.Quantity == "gradient of input 0 vs finite differences");
        Assert.Contains(result.Failures, f => f.Quantity == "gradient of input 1 vs finite differences");
        Assert.Empty(result.BuiltInDefects);
    }

    [Fact]
    public void A_detach_in_the_wrong_place_fails_finite_differences_even_without_a_built_in()
    {
        var result = Validator.Validate(new MseWithoutBuiltIn(), o => new DetachedMse(ReductionOf(o)));
        Assert.False(result.Passed);
        Assert.DoesNotContain(result.Failures, f => f.Quantity.StartsWith("value"));
        Assert.Contains(result.Failures, f => f.Quantity == "gradient of input 0 vs finite differences");
    }

    [Fact]
    public void A_wrong_built_in_is_reported_as_a_built_in_defect_not_a_failure()
    {
        var result = Validator.Validate(new MseAgainstWrongBuiltIn());
        Assert.True(result.Passed, string.Join("\n", result.Failures));
        Assert.Contains(result.BuiltInDefects, f => f.Quantity == "value: built-in vs formula");
        Assert.Contains(result.BuiltInDefects, f => f.Quantity.StartsWith("gradient of input 0: built-in vs custom"));
        Assert.All(result.BuiltInDefects, f => Assert.NotNull(f.Inputs));
    }

    /// <summary>The MSE check with its built-in twin hidden: only the formula and finite differences remain.</summary>
    sealed class MseWithoutBuiltIn : LossCheck
    {
        readonly MseCheck inner = new();
        public override string LossName => inner.LossName;
        public override IEnumerable<LossCase> Cases(Generator g) => inner.Cases(g);
        public override double[] Reference(LossCase c, HostArray[] x, nn.Reduction r) => inner.Reference(c, x, r);
    }

    /// <summary>The MSE check against a "built-in" that is 3% off: the defect must be blamed on the built-in.</summary>
    sealed class MseAgainstWrongBuiltIn : LossCheck
    {
        readonly MseCheck inner = new();
        public override string LossName => inner.LossName;
        public override string? BuiltInName => "a wrong mse";
        public override IEnumerable<LossCase> Cases(Generator g) => inner.Cases(g);
        public override Tensor BuiltIn(LossCase c, Tensor[] x, nn.Reduction r) => nn.functional.mse_loss(x[0], x[1], r) * 1.03;
        public override double[] Reference(LossCase c, HostArray[] x, nn.Reduction r) => inner.Reference(c, x, r);
    }
}

using CustomLosses;
using CustomLosses.Catalog;
using Harness.Validation;
using Xunit;
using static TorchSharp.torch;

namespace Harness.Tests.Validation;

/// <summary>
/// Each property check, and float32 against float64, catches a loss planted with the defect it is for, on a plugin
/// loss with neither twin nor formula, where nothing else could: the only failures are that check's.
/// </summary>
[Collection(LossRegistrationCollection.Name)]
public class PlantedPropertyTests
{
    public PlantedPropertyTests() => TestPluginLosses.Register();

    static LossCheck Check => LossCheckCatalog.Find(TestPluginLosses.Unreferenced.Name)!;

    /// <summary>Validates a planted loss, built from its per-element squared errors and a reduction of its own.</summary>
    static LossValidationResult Planted(Func<Tensor, Tensor, Tensor> perElement, Func<Tensor, nn.Reduction, Tensor> reduce) =>
        new ParityValidator(CPU, [ScalarType.Float64, ScalarType.Float32]).Validate(Check, o =>
        {
            var reduction = LossRegistry.Resolve(Check.LossName, o).Reduction;
            return new FunctionalLoss((x, y) => reduce(perElement(x, y), reduction));
        });

    static Tensor Squared(Tensor x, Tensor y)
    {
        var d = x.sub(y);
        return d.mul(d);
    }

    static Tensor Plain(Tensor l, nn.Reduction r) => r switch
    {
        nn.Reduction.None => l,
        nn.Reduction.Sum => l.sum(),
        _ => l.mean(),
    };

    static void OnlyFails(LossValidationResult result, ValidationCheckKind kind)
    {
        Assert.False(result.Passed, $"the planted {kind.Title()} defect was not caught");
        Assert.All(result.Failures, f => Assert.True(f.Check == kind, $"{f.Check.Title()}: {f.Case} [{f.Reduction}] {f.Quantity}: {f.Detail}"));
    }

    [Fact]
    public void The_right_loss_passes_every_property()
    {
        var result = Planted(Squared, Plain);
        Assert.True(result.Passed, string.Join("\n", result.Failures));
    }

    [Fact]
    public void A_mean_divided_by_the_batch_size_instead_of_the_element_count_fails_the_mean_property()
    {
        var result = Planted(Squared, (l, r) => r == nn.Reduction.Mean && l.dim() > 0
            ? l.sum().div(CachedScalars.Of((double)l.shape[0]))
            : Plain(l, r));
        OnlyFails(result, ValidationCheckKind.MeanOfNone);
    }

    [Fact]
    public void A_sum_that_is_the_mean_times_the_batch_size_fails_the_sum_property()
    {
        var result = Planted(Squared, (l, r) => r == nn.Reduction.Sum && l.dim() > 0
            ? l.mean().mul(CachedScalars.Of((double)l.shape[0]))
            : Plain(l, r));
        OnlyFails(result, ValidationCheckKind.SumOfNone);
    }

    [Fact]
    public void A_loss_weighted_by_position_in_the_batch_fails_batch_order()
    {
        var result = Planted((x, y) =>
        {
            var l = Squared(x, y);
            if (l.dim() == 0) return l;
            var shape = Enumerable.Repeat(1L, (int)l.dim()).ToArray();
            shape[0] = l.shape[0];
            var position = arange(l.shape[0], dtype: l.dtype, device: l.device).reshape(shape);
            return l.mul(position.mul(CachedScalars.Of(0.1)).add(CachedScalars.Of(1.0), CachedScalars.One));
        }, Plain);
        OnlyFails(result, ValidationCheckKind.BatchOrder);
    }

    [Fact]
    public void A_constant_offset_fails_zero_at_target()
    {
        var result = Planted((x, y) => Squared(x, y).add(CachedScalars.Of(0.1), CachedScalars.One), Plain);
        OnlyFails(result, ValidationCheckKind.ZeroAtTarget);
    }

    [Fact]
    public void A_float32_path_that_differs_fails_float32_against_float64()
    {
        // A float32-only fast path 1e-4 off, as a kernel written per dtype could be.
        var result = Planted((x, y) => x.dtype == ScalarType.Float32 ? Squared(x, y).mul(CachedScalars.Of(1.0001)) : Squared(x, y), Plain);
        OnlyFails(result, ValidationCheckKind.Float32AgainstFloat64);
        Assert.Contains(result.Failures, f => f.Quantity == "value vs float64 evaluation");
        Assert.Contains(result.Failures, f => f.Quantity == "gradient of input 0 vs float64 evaluation");
    }

    [Fact]
    public void A_loss_that_overflows_fails_finite_output()
    {
        // log(cosh(d)) written naively: cosh overflows for |d| > 710, as on the generated magnitude-1e3 case.
        var result = Planted((x, y) => x.sub(y).cosh().log(), Plain);
        Assert.False(result.Passed);
        Assert.Contains(result.Failures, f => f.Check == ValidationCheckKind.FiniteOutput && f.Quantity == "value is not finite on finite inputs");
    }
}

using CustomLosses.Catalog;
using Harness.Validation;
using Xunit;
using static TorchSharp.torch;

namespace Harness.Tests.Validation;

/// <summary>
/// The same checks as <c>harness validate</c>, one test per loss, both dtypes: the custom loss matches its built-in (or
/// the float64 formula), its first and second derivatives match finite differences, and it has the properties.
/// </summary>
public class LossParityTests
{
    public static TheoryData<string> Losses()
    {
        var data = new TheoryData<string>();
        foreach (var name in LossRegistry.Names) data.Add(name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Losses))]
    public void Custom_loss_matches_libtorch_and_finite_differences(string loss)
    {
        var check = LossCheckCatalog.Find(loss);
        Assert.True(check != null, $"loss '{loss}' is registered but has no validation check");
        var result = new ParityValidator(CPU, [ScalarType.Float64, ScalarType.Float32]).Validate(check!);
        Assert.True(result.Passed, $"{loss}:\n" + string.Join("\n", result.Failures.Take(10).Select(f =>
            $"{f.Check.Title()}: {f.DType} {f.Case} [{f.Reduction}] {f.Quantity}: {f.Error:G3} ({f.Detail})")));
        Assert.True(result.Cases >= 4, $"{loss} has only {result.Cases} cases");
    }

    [Fact]
    public void Every_library_loss_has_exactly_one_hand_written_check_and_every_check_a_loss()
    {
        var library = LossRegistry.All.Where(s => s.Origin == LossSpec.BuiltInOrigin).Select(s => s.Name).ToHashSet();
        var checkedNames = LossCheckCatalog.HandWritten.Select(c => c.LossName).ToList();
        Assert.Equal(checkedNames.Count, checkedNames.Distinct().Count());
        Assert.Empty(library.Except(checkedNames));
        Assert.Empty(checkedNames.Except(library));
        Assert.All(LossCheckCatalog.HandWritten, c => Assert.False(c.Generated));
    }

    [Fact]
    public void Checks_name_a_built_in_exactly_where_the_registry_says_there_is_one()
    {
        foreach (var check in LossCheckCatalog.HandWritten)
        {
            var spec = LossRegistry.Get(check.LossName);
            if (check.BuiltInName is null)
                Assert.Equal(LossSpec.FormulaReference, spec.Reference);
            else
                Assert.StartsWith(check.BuiltInName.Split(' ')[0], spec.Reference);
        }
    }
}

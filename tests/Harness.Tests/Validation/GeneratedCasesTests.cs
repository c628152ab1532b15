using CustomLosses.Catalog;
using Harness.Validation;
using Xunit;
using static TorchSharp.torch;

namespace Harness.Tests.Validation;

/// <summary>
/// The cases a generated check draws from a spec fit every kind of loss the library has: one library loss of each
/// combination of task, model output, target encoding and input count (and every three-input loss, whose layout the
/// generator infers), validated as if it were a plugin's (cases from its spec, its twin and, as its Float64Formula, its
/// hand-written check's formula), passes every check.
/// </summary>
[Trait("Category", TestCategory.Slow)]
public class GeneratedCasesTests
{
    public static TheoryData<string> LibraryLosses()
    {
        var data = new TheoryData<string>();
        var library = LossRegistry.All.Where(s => s.Origin == LossSpec.BuiltInOrigin).ToList();
        var representatives = library.GroupBy(s => (s.Task, s.ExpectedOutput, s.Target, s.InputCount)).Select(g => g.First())
            .Concat(library.Where(s => s.InputCount == 3)).Distinct();
        foreach (var spec in representatives) data.Add(spec.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(LibraryLosses))]
    public void A_library_loss_passes_its_generated_check(string loss)
    {
        var spec = LossRegistry.Get(loss);
        var handWritten = LossCheckCatalog.HandWritten.Single(c => c.LossName == loss);
        var check = new SpecLossCheck(spec with
        {
            // The hand-written formulas read the options of a case; a case with the resolved options stands in for it.
            Float64Formula = (inputs, options, reduction) => handWritten.Reference(
                new LossCase("formula", LossOptions.Of(options.Values.Where(kv => kv.Value != null).Select(kv => (kv.Key, kv.Value)).ToArray()), []),
                inputs.ToArray(), reduction),
        });
        var result = new ParityValidator(CPU, [ScalarType.Float64]).Validate(check);
        Assert.True(result.Passed, $"{loss}:\n" + string.Join("\n", result.Failures.Take(10).Select(f =>
            $"{f.Check.Title()}: {f.Case} [{f.Reduction}] {f.Quantity}: {f.Error:G3} ({f.Detail})")));
        Assert.True(result.Cases >= 4, $"{loss}: only {result.Cases} generated cases");
        var fd = result.Coverage.Single(c => c.Kind == ValidationCheckKind.FiniteDifferences);
        Assert.True(fd.Applied == fd.Considered, $"{loss}: finite differences skipped on {fd.Considered - fd.Applied} generated cases");
    }
}

using System.Text.Json;
using CustomLosses;
using CustomLosses.Catalog;
using Harness.Reporting;
using Harness.Validation;
using Xunit;
using static TorchSharp.torch;

namespace Harness.Tests.Validation;

/// <summary>
/// A loss nobody wrote a check for (a plugin's) is validated by a check generated from its spec: it passes when right,
/// and fails, naming the check, with a planted wrong gradient, a wrong formula or a loss that disagrees with its twin.
/// </summary>
[Collection(LossRegistrationCollection.Name)]
public class GeneratedCheckTests
{
    public GeneratedCheckTests() => TestPluginLosses.Register();

    static ParityValidator Validator => new(CPU, [ScalarType.Float64, ScalarType.Float32]);

    static string Failures(LossValidationResult result) =>
        string.Join("\n", result.Failures.Take(10).Select(f =>
            $"{f.Check.Title()}: {f.DType} {f.Case} [{f.Reduction}] {f.Quantity}: {f.Error:G3} ({f.Detail})"));

    [Fact]
    public void A_registered_loss_without_a_hand_written_check_gets_a_generated_one_everywhere()
    {
        var check = Assert.IsType<SpecLossCheck>(LossCheckCatalog.Find("cauchy-validation-test"));
        Assert.Same(check, LossCheckCatalog.Find("Cauchy-Validation-Test"));
        Assert.Contains(check, LossCheckCatalog.All);
        Assert.Same(LossCheckCatalog.HandWritten.First(c => c.LossName == "mse"), LossCheckCatalog.Find("mse"));
        Assert.Equal("float64 formula + finite differences", check.ComparedAgainst);
        Assert.Equal("scale * torch.nn.functional.mse_loss + float64 formula + finite differences",
            LossCheckCatalog.Find("scaled-squared-error-validation-test")!.ComparedAgainst);
        Assert.Equal("finite differences", LossCheckCatalog.Find("unreferenced-validation-test")!.ComparedAgainst);
    }

    [Fact]
    public void A_right_plugin_loss_passes_every_check_and_the_report_says_what_it_was_compared_against()
    {
        var result = Validator.Validate(LossCheckCatalog.Find("cauchy-validation-test")!);
        Assert.True(result.Passed, Failures(result));
        Assert.True(result.Generated);
        Assert.Equal(TestPluginLosses.Origin, result.Origin);
        Assert.True(result.Cases >= 10, $"only {result.Cases} case runs");
        var coverage = result.Coverage.ToDictionary(c => c.Kind);
        Assert.Equal(0, coverage[ValidationCheckKind.BuiltInTwin].Applied);
        Assert.Contains(coverage[ValidationCheckKind.BuiltInTwin].Skipped, s => s.Reason == "the spec gives no Twin");
        foreach (var kind in new[]
        {
            ValidationCheckKind.Float64Formula, ValidationCheckKind.FiniteDifferences, ValidationCheckKind.SecondDerivatives,
            ValidationCheckKind.Float32AgainstFloat64, ValidationCheckKind.FiniteOutput, ValidationCheckKind.SumOfNone,
            ValidationCheckKind.MeanOfNone, ValidationCheckKind.ZeroAtTarget,
        })
            Assert.True(coverage[kind].Applied == coverage[kind].Considered && coverage[kind].Applied > 0, $"{kind}: {coverage[kind]}");
        Assert.Contains(coverage[ValidationCheckKind.BatchOrder].Skipped, s => s.Reason == "a batch of one");

        var run = new ValidationRun { Results = [result], DTypes = ["float64", "float32"], Device = "cpu", Seed = 1, Elapsed = TimeSpan.Zero };
        var md = ValidationReportWriter.ToMarkdown(run, "harness validate --losses cauchy-validation-test");
        Assert.Contains("| cauchy-validation-test | float64 formula + finite differences |", md);
        Assert.Contains($"`cauchy-validation-test` comes from {TestPluginLosses.Origin}; its check was generated from its spec", md);
        Assert.Contains("twin: not run: the spec gives no Twin", md);
        using var json = JsonDocument.Parse(ValidationReportWriter.ToJson(run, "harness validate"));
        var loss = json.RootElement.GetProperty("losses")[0];
        Assert.True(loss.GetProperty("generated_check").GetBoolean());
        Assert.Equal("float64 formula + finite differences", loss.GetProperty("compared_against").GetString());
        Assert.Contains(loss.GetProperty("coverage").EnumerateArray(),
            c => c.GetProperty("check").GetString() == "twin" && c.GetProperty("applied").GetInt32() == 0);
    }

    [Fact]
    public void A_plugin_loss_is_compared_with_its_twin_and_fails_where_it_disagrees()
    {
        var check = LossCheckCatalog.Find("scaled-squared-error-validation-test")!;
        var right = Validator.Validate(check);
        Assert.True(right.Passed, Failures(right));
        Assert.Equal("scale * torch.nn.functional.mse_loss", right.BuiltIn);
        var twin = right.Coverage.Single(c => c.Kind == ValidationCheckKind.BuiltInTwin);
        Assert.Equal(twin.Considered, twin.Applied);

        // Twice the right value everywhere: the twin (and the formula) disagree.
        var wrong = Validator.Validate(check, o =>
        {
            var scale = LossRegistry.Resolve(check.LossName, o).Real("scale");
            var reduction = LossRegistry.Resolve(check.LossName, o).Reduction;
            return new FunctionalLoss((x, y) =>
            {
                var d = x.sub(y);
                return d.mul(d).mul(CachedScalars.Of(2 * scale)).Reduce(reduction);
            });
        });
        Assert.False(wrong.Passed);
        Assert.Contains(wrong.Failures, f => f.Check == ValidationCheckKind.BuiltInTwin && f.Quantity == "value vs built-in");
        Assert.Empty(wrong.BuiltInDefects);
    }

    [Fact]
    public void A_planted_wrong_gradient_fails_finite_differences_only()
    {
        var check = LossCheckCatalog.Find("cauchy-validation-test")!;
        // The right value, but half the gradient: d (x - y)^2 / dx with one factor detached.
        var result = Validator.Validate(check, o =>
        {
            var reduction = LossRegistry.Resolve(check.LossName, o).Reduction;
            return new FunctionalLoss((x, y) =>
            {
                var d = x.sub(y);
                return d.mul(d.detach()).log1p().Reduce(reduction);
            });
        });
        Assert.False(result.Passed);
        Assert.Contains(result.Failures, f => f.Check == ValidationCheckKind.FiniteDifferences && f.Quantity == "gradient of input 0 vs finite differences");
        Assert.DoesNotContain(result.Failures,
            f => f.Check is ValidationCheckKind.Float64Formula or ValidationCheckKind.SumOfNone or ValidationCheckKind.MeanOfNone
            or ValidationCheckKind.BatchOrder or ValidationCheckKind.ZeroAtTarget);
    }

    [Fact]
    public void A_wrong_float64_formula_fails_the_formula_check()
    {
        var spec = LossRegistry.Get("cauchy-validation-test");
        var wrongFormula = new SpecLossCheck(spec with
        {
            Float64Formula = (x, o, r) => spec.Float64Formula!(x, o, r).Select(v => v * 1.001).ToArray(),
        });
        var result = Validator.Validate(wrongFormula);
        Assert.False(result.Passed);
        Assert.Contains(result.Failures,
            f => f.Check == ValidationCheckKind.Float64Formula && f.Quantity == "value vs float64 formula" && f.DType == "float64");
        Assert.All(result.Failures, f => Assert.Equal(ValidationCheckKind.Float64Formula, f.Check));
    }
}

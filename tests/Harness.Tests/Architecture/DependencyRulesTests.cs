using ArchUnitNET.Domain;
using ArchUnitNET.Loader;
using ArchUnitNET.xUnit;
using Xunit;
using static ArchUnitNET.Fluent.ArchRuleDefinition;

namespace Harness.Tests.Architecture;

/// <summary>
/// The allowed dependencies between the parts (docs/architecture.md draws them), checked on the compiled code with
/// ArchUnitNET: every type reference in signatures and method bodies counts, not only using directives.
/// </summary>
public class DependencyRulesTests
{
    static readonly ArchUnitNET.Domain.Architecture Code = new ArchLoader()
        .LoadAssemblies(typeof(Harness.Config.ExperimentConfig).Assembly, typeof(CustomLosses.CustomLoss).Assembly,
            typeof(Harness.Acceleration.FusedAdamStep).Assembly)
        .Build();

    /// <summary>Each part and the parts it must never reference.</summary>
    public static TheoryData<string, string[]> Rules => new()
    {
        { "CustomLosses", ["Harness"] },
        // The fast paths know TorchSharp only; the runner plugs them in through Training's seams.
        { "Harness.Acceleration", ["Harness.Config", "Harness.Data", "Harness.Training", "Harness.Models", "Harness.Experiments", "Harness.Metrics",
            "Harness.Results", "Harness.Sinks", "Harness.Reporting", "Harness.Cli", "CustomLosses"] },
        { "Harness.Config", ["Harness.Training", "Harness.Models", "Harness.Experiments", "Harness.Sinks", "Harness.Reporting", "Harness.Results",
            "Harness.Cli"] },
        { "Harness.Data", ["Harness.Config", "Harness.Training", "Harness.Models", "Harness.Experiments", "Harness.Sinks", "Harness.Reporting",
            "Harness.Results", "Harness.Cli"] },
        { "Harness.Training", ["Harness.Acceleration", "Harness.Sinks", "Harness.Reporting", "Harness.Results", "Harness.Experiments", "Harness.Cli",
            "Spectre.Console"] },
        { "Harness.Metrics", ["Harness.Training", "Harness.Sinks", "Harness.Reporting", "Harness.Results", "Harness.Experiments", "Harness.Cli"] },
        { "Harness.Results", ["Harness.Sinks", "Harness.Reporting", "Harness.Experiments", "Harness.Cli", "Spectre.Console"] },
        // Reporting reads the plan (which cells a grid should have) but not the runner's console or the sinks.
        { "Harness.Reporting", ["Harness.Cli", "Harness.Sinks", "Spectre.Console"] },
        { "Harness.Validation", ["Harness.Cli", "Harness.Sinks", "Harness.Experiments", "Harness.Results"] },
        { "Harness.Sinks", ["Harness.Cli", "Harness.Reporting", "Harness.Experiments"] },
        { "Harness.Experiments", ["Harness.Cli", "Spectre.Console"] },
        // Plugins only load assemblies and hand their losses to the library's registry.
        { "Harness.Plugins", ["Harness.Cli", "Harness.Config", "Harness.Training", "Harness.Experiments", "Harness.Reporting", "Harness.Sinks",
            "Harness.Results", "Harness.Validation", "Spectre.Console"] },
    };

    static IObjectProvider<IType> In(string ns) =>
        Types().That().ResideInNamespaceMatching("^" + System.Text.RegularExpressions.Regex.Escape(ns) + @"(\..*)?$").As(ns);

    /// <summary>Checks one rule on <paramref name="code"/>; throws <see cref="FailedArchRuleException"/> when broken.</summary>
    static void Check(ArchUnitNET.Domain.Architecture code, string part, string forbidden) =>
        Types().That().Are(In(part)).Should().NotDependOnAny(In(forbidden)).Because($"docs/architecture.md: {part} never references {forbidden}")
            .WithoutRequiringPositiveResults().Check(code);

    [Theory]
    [MemberData(nameof(Rules))]
    public void A_part_references_none_of_its_forbidden_parts(string part, string[] forbidden)
    {
        foreach (var other in forbidden) Check(Code, part, other);
    }

    [Fact]
    public void A_planted_reference_breaks_its_rule()
    {
        var planted = new ArchLoader().LoadAssemblies(typeof(Planted.TrainingThatPrints).Assembly, typeof(Harness.Config.ExperimentConfig).Assembly).Build();
        var broken = Assert.Throws<FailedArchRuleException>(() => Check(planted, "Harness.Tests.Architecture.Planted", "Harness.Cli"));
        Assert.Contains("TrainingThatPrints", broken.Message);
    }
}

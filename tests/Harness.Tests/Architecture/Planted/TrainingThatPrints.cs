namespace Harness.Tests.Architecture.Planted;

/// <summary>A forbidden reference on purpose, for <see cref="DependencyRulesTests.A_planted_reference_breaks_its_rule"/>.</summary>
static class TrainingThatPrints
{
    public static string Error() => typeof(Harness.Cli.UsageException).Name;
}

using Xunit;

namespace Harness.Tests.Validation;

/// <summary>
/// Tests that register losses (as a plugin would) change the process-wide registry, so they run alone, after the
/// parallel tests, which list every registered loss and must not see them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LossRegistrationCollection
{
    public const string Name = "loss registration";
}

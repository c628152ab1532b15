using Xunit;

namespace Harness.Tests.Experiments;

/// <summary>
/// Tests that train models share libtorch's process-wide state (the global generator that seeds weights and
/// dropout, the intra-op thread count), so they must not run in parallel with each other.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchGlobalStateCollection
{
    public const string Name = "torch global state";
}

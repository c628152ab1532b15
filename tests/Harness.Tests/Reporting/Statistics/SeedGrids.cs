using Harness.Reporting.Statistics;

namespace Harness.Tests.Reporting.Statistics;

/// <summary>
/// Small seed grids with differences known by construction (lower is better), shared by the comparison and verdict
/// tests. Against A: B differs by 0.01, -0.01, 0.02, -0.02, 0.005 (mean 0.001, sd sqrt(0.00102 / 4) = 0.0159687), far
/// from significant; C by 1.00, 1.10, 0.90, 1.05, 0.95 (mean 1, sd sqrt(0.025 / 4) = 0.0790569, t = 28.28), far beyond.
/// </summary>
static class SeedGrids
{
    public static Contender A => Of("A", 0.50, 0.52, 0.49, 0.51, 0.50);   // mean 0.504
    public static Contender B => Of("B", 0.51, 0.51, 0.51, 0.49, 0.505);  // mean 0.505
    public static Contender C => Of("C", 1.50, 1.62, 1.39, 1.56, 1.45);   // mean 1.504

    public const double SdB = 0.015968719422671311; // sqrt(0.000255)
    public const double SdC = 0.079056941504209485; // sqrt(0.00625)

    /// <summary>A contender scored on seeds 0, 1, 2, ... in order.</summary>
    public static Contender Of(string name, params double[] scores) =>
        new(name, scores.Select((s, i) => (s, i)).ToDictionary(p => p.i, p => p.s));
}

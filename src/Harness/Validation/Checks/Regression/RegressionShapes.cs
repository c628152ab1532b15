namespace Harness.Validation.Checks.Regression;

/// <summary>Shapes used by the regression checks' random cases.</summary>
internal static class RegressionShapes
{
    /// <summary>A vector, a matrix and a 3-D batch: small enough for finite differences.</summary>
    public static readonly long[][] Random = [[7], [4, 5], [2, 3, 4]];

    public static string Format(long[] shape) => "[" + string.Join(",", shape) + "]";
}

namespace Harness.Validation;

/// <summary>Whether a finding is a failure of the custom loss (or its reference) or a defect of the built-in.</summary>
public enum FindingKind
{
    /// <summary>The custom loss disagrees with what it is checked against.</summary>
    Failure,
    /// <summary>The libtorch/TorchSharp built-in disagrees with both the custom loss and the float64 formula.</summary>
    BuiltInDefect,
}

/// <summary>One disagreement found by the validator.</summary>
/// <param name="Loss">Registry name.</param>
/// <param name="Kind">Failure or built-in defect.</param>
/// <param name="DType">float32 or float64.</param>
/// <param name="Case">The case, with its options.</param>
/// <param name="Reduction">none, mean or sum.</param>
/// <param name="Quantity">What was compared ("value vs built-in", "gradient of input 0 vs finite differences"...).</param>
/// <param name="Error">Worst error, relative with the tolerance's floor (infinite for a NaN/Inf mismatch).</param>
/// <param name="Detail">The numbers at the worst element.</param>
/// <param name="InputSize">Total number of input elements of the case (to find the smallest showing input).</param>
/// <param name="Inputs">The case's inputs, printed (only kept for built-in defects).</param>
public sealed record Finding(
    string Loss, FindingKind Kind, string DType, string Case, string Reduction, string Quantity,
    double Error, string Detail, long InputSize, string? Inputs)
{
    /// <summary>The check that found it.</summary>
    public required ValidationCheckKind Check { get; init; }
}

/// <summary>The outcome of validating one loss.</summary>
public sealed class LossValidationResult
{
    /// <summary>Registry name.</summary>
    public required string Loss { get; init; }
    /// <summary>The built-in twin, or null.</summary>
    public required string? BuiltIn { get; init; }
    /// <summary>What the loss's values and gradients were compared against, in words (its twin, formula, finite differences).</summary>
    public string ComparedAgainst { get; init; } = "";
    /// <summary>Where the loss comes from: "built-in" (the library) or the plugin assembly that registered it.</summary>
    public string Origin { get; init; } = CustomLosses.Catalog.LossSpec.BuiltInOrigin;
    /// <summary>True when the check was generated from the loss's spec (a loss without a hand-written check).</summary>
    public bool Generated { get; init; }
    /// <summary>Which checks applied to which case runs, and why the others did not (filled in when validation ends).</summary>
    public IReadOnlyList<CheckCoverage> Coverage { get; set; } = [];
    /// <summary>Distinct (case, dtype) evaluations.</summary>
    public int Cases { get; set; }
    /// <summary>Individual comparisons made (values and gradients, each reduction).</summary>
    public int Comparisons { get; set; }
    /// <summary>Worst value error against the built-in or, without one, the formula.</summary>
    public double WorstValueError { get; set; }
    /// <summary>Worst gradient error against the built-in or, without one, finite differences.</summary>
    public double WorstGradientError { get; set; }
    /// <summary>Worst finite-difference gradient error (float64 only).</summary>
    public double WorstFiniteDifferenceError { get; set; }
    /// <summary>Worst Hessian-vector product error against finite differences of the gradient (float64 only).</summary>
    public double WorstSecondDerivativeError { get; set; }
    /// <summary>Failures of the custom loss.</summary>
    public List<Finding> Failures { get; } = [];
    /// <summary>Defects of the built-in.</summary>
    public List<Finding> BuiltInDefects { get; } = [];
    /// <summary>True when nothing failed (built-in defects do not fail the custom loss).</summary>
    public bool Passed => Failures.Count == 0;
}

/// <summary>What one validation run covered, and its results.</summary>
public sealed class ValidationRun
{
    /// <summary>Per-loss results in registry order.</summary>
    public required IReadOnlyList<LossValidationResult> Results { get; init; }
    /// <summary>The dtypes tested.</summary>
    public required IReadOnlyList<string> DTypes { get; init; }
    /// <summary>The device.</summary>
    public required string Device { get; init; }
    /// <summary>Seed of the case generator.</summary>
    public required long Seed { get; init; }
    /// <summary>Wall time.</summary>
    public required TimeSpan Elapsed { get; init; }
    /// <summary>True when every loss passed.</summary>
    public bool Passed => Results.All(r => r.Passed);
}

namespace Harness.Validation;

/// <summary>
/// The checks <see cref="ParityValidator"/> runs on a loss. Each applies to some case runs (a case in one dtype) and not
/// to others; <see cref="CheckCoverage"/> records which, and why not.
/// </summary>
public enum ValidationCheckKind
{
    /// <summary>Values and gradients against the libtorch (or the plugin's) twin, same options.</summary>
    BuiltInTwin,
    /// <summary>Values against an independent float64 formula written as plain loops.</summary>
    Float64Formula,
    /// <summary>Gradients against central finite differences (float64).</summary>
    FiniteDifferences,
    /// <summary>Hessian-vector products by double backward against finite differences of the gradient (float64).</summary>
    SecondDerivatives,
    /// <summary>float32 values and gradients against the same loss in float64 on the same rounded inputs.</summary>
    Float32AgainstFloat64,
    /// <summary>Finite values and gradients on finite inputs.</summary>
    FiniteOutput,
    /// <summary>Reduction sum equals the sum of reduction none.</summary>
    SumOfNone,
    /// <summary>Reduction mean equals the sum of reduction none divided by its element count.</summary>
    MeanOfNone,
    /// <summary>Permuting the batch (dimension 0) permutes reduction none and leaves mean and sum unchanged.</summary>
    BatchOrder,
    /// <summary>Zero where the prediction equals the target, and no smaller nearby (specs with ZeroAtTarget).</summary>
    ZeroAtTarget,
}

/// <summary>Names and descriptions of <see cref="ValidationCheckKind"/> for reports.</summary>
public static class ValidationCheckKinds
{
    /// <summary>Every kind, in report order.</summary>
    public static IReadOnlyList<ValidationCheckKind> All { get; } = Enum.GetValues<ValidationCheckKind>();

    /// <summary>Short name, used in findings and table headers ("finite differences").</summary>
    public static string Title(this ValidationCheckKind kind) => kind switch
    {
        ValidationCheckKind.BuiltInTwin => "twin",
        ValidationCheckKind.Float64Formula => "float64 formula",
        ValidationCheckKind.FiniteDifferences => "finite differences",
        ValidationCheckKind.SecondDerivatives => "second derivatives",
        ValidationCheckKind.Float32AgainstFloat64 => "float32 vs float64",
        ValidationCheckKind.FiniteOutput => "finite output",
        ValidationCheckKind.SumOfNone => "sum = Σ none",
        ValidationCheckKind.MeanOfNone => "mean = Σ none / n",
        ValidationCheckKind.BatchOrder => "batch order",
        ValidationCheckKind.ZeroAtTarget => "zero at target",
        _ => kind.ToString(),
    };

    /// <summary>Machine name for report.json ("second_derivatives").</summary>
    public static string Key(this ValidationCheckKind kind) => kind switch
    {
        ValidationCheckKind.BuiltInTwin => "twin",
        ValidationCheckKind.Float64Formula => "float64_formula",
        ValidationCheckKind.FiniteDifferences => "finite_differences",
        ValidationCheckKind.SecondDerivatives => "second_derivatives",
        ValidationCheckKind.Float32AgainstFloat64 => "float32_vs_float64",
        ValidationCheckKind.FiniteOutput => "finite_output",
        ValidationCheckKind.SumOfNone => "sum_of_none",
        ValidationCheckKind.MeanOfNone => "mean_of_none",
        ValidationCheckKind.BatchOrder => "batch_order",
        ValidationCheckKind.ZeroAtTarget => "zero_at_target",
        _ => kind.ToString(),
    };

    /// <summary>What the check compares, and on which case runs, for the report's legend.</summary>
    public static string Description(this ValidationCheckKind kind) => kind switch
    {
        ValidationCheckKind.BuiltInTwin =>
            "values (each reduction) and gradients against the libtorch built-in twin, or a plugin's twin, with the same options; every dtype",
        ValidationCheckKind.Float64Formula =>
            "values against an independent float64 formula written as plain loops (a plugin's Float64Formula); every dtype",
        ValidationCheckKind.FiniteDifferences =>
            "the gradient of every differentiable input against central finite differences; float64, cases smooth within the step",
        ValidationCheckKind.SecondDerivatives =>
            "the Hessian-vector product along a random direction by double backward (autograd.grad with create_graph) against " +
            "central finite differences of the gradient, as PyTorch's gradgradcheck; float64, cases smooth within the step",
        ValidationCheckKind.Float32AgainstFloat64 =>
            "float32 values against the same computation in float64 on the same (rounded) inputs (the formula where there is " +
            "one, else the custom loss run in float64), and float32 gradients against the custom loss's float64 gradients " +
            "where there is no twin (with one, against the twin's float32 gradients: the same rounding); float32 runs",
        ValidationCheckKind.FiniteOutput =>
            "finite values and gradients on finite inputs (except where the twin or formula is not finite either); every dtype",
        ValidationCheckKind.SumOfNone =>
            "reduction sum equals the sum of reduction none; cases that test all three reductions",
        ValidationCheckKind.MeanOfNone =>
            "reduction mean equals the sum of reduction none divided by its element count, where the loss's mean is that plain mean",
        ValidationCheckKind.BatchOrder =>
            "permuting dimension 0 of every input permutes reduction none the same way and leaves mean and sum unchanged",
        ValidationCheckKind.ZeroAtTarget =>
            "the loss is zero where the prediction equals the target and no smaller at nearby predictions; losses whose spec declares ZeroAtTarget",
        _ => kind.ToString(),
    };
}

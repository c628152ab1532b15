using CustomLosses;
using CustomLosses.Catalog;
using Harness.Validation.Properties;
using static TorchSharp.torch;

namespace Harness.Validation;

/// <summary>
/// Validates custom losses: against their libtorch built-in or plugin twin (values for every reduction and gradients of
/// every differentiable input), against an independent float64 formula, against central finite differences (first
/// derivatives, and second derivatives by double backward), float32 against float64, and by properties any loss should
/// have (finite output, reductions that agree, indifference to the order of the batch, zero at the target where the
/// spec says so). Where the built-in disagrees with both the custom loss and the formula, the finding is a built-in
/// defect rather than a failure of the custom loss. Which checks applied to which case, and why the others did not, is
/// recorded per loss (<see cref="LossValidationResult.Coverage"/>).
/// </summary>
public sealed class ParityValidator
{
    readonly Device device;
    readonly IReadOnlyList<ScalarType> dtypes;
    readonly long seed;

    /// <summary>Creates a validator. float64 is always run first when requested: float32 verdicts reuse its findings.</summary>
    public ParityValidator(Device device, IEnumerable<ScalarType> dtypes, long seed = DefaultSeed)
    {
        this.device = device;
        this.dtypes = dtypes.Distinct().OrderBy(d => d == ScalarType.Float64 ? 0 : 1).ToList();
        if (this.dtypes.Count == 0 || this.dtypes.Any(d => d is not (ScalarType.Float32 or ScalarType.Float64)))
            throw new ArgumentException("dtypes must be float32 and/or float64.");
        this.seed = seed;
    }

    /// <summary>Seed of the case generator unless another is given.</summary>
    public const long DefaultSeed = 20240607;

    /// <summary>
    /// Validates one loss. <paramref name="factory"/> replaces the registry's factory (the test suite
    /// plants wrong losses this way).
    /// </summary>
    public LossValidationResult Validate(LossCheck check, Func<LossOptions, nn.Module>? factory = null)
    {
        var result = new LossValidationResult
        {
            Loss = check.LossName,
            BuiltIn = check.BuiltInName,
            ComparedAgainst = check.ComparedAgainst,
            Origin = LossRegistry.Find(check.LossName)?.Origin ?? LossSpec.BuiltInOrigin,
            Generated = check.Generated,
        };
        factory ??= options => LossRegistry.Create(check.LossName, options);
        var gradientDefects = new HashSet<(int Case, nn.Reduction Reduction, int Input)>();
        var tally = new CoverageTally();

        List<LossCase> cases;
        using (var generator = new Generator((ulong)seed))
            cases = check.Cases(generator).ToList();
        try
        {
            foreach (var dtype in dtypes)
                for (int i = 0; i < cases.Count; i++)
                {
                    result.Cases++;
                    using var caseScope = NewDisposeScope();
                    using var run = new CaseRun(check, cases[i], i, dtype, device, seed, factory, result, tally);
                    foreach (var reduction in cases[i].Reductions)
                    {
                        using var scope = NewDisposeScope();
                        ValidateOne(run, reduction, gradientDefects);
                    }
                    CheckProperties(run);
                }
        }
        finally
        {
            foreach (var c in cases) foreach (var t in c.Inputs) t.Dispose();
        }
        result.Coverage = tally.Summary();
        return result;
    }

    // The properties of Validation/Properties that look at a whole case (all reductions); FiniteOutputProperty runs per
    // reduction inside ValidateOne, where the values and gradients already are.
    static void CheckProperties(CaseRun run)
    {
        (ValidationCheckKind Kind, Action<CaseRun> Check)[] properties =
        [
            (ValidationCheckKind.SumOfNone, ReductionConsistencyProperty.Check),
            (ValidationCheckKind.BatchOrder, BatchOrderProperty.Check),
            (ValidationCheckKind.ZeroAtTarget, ZeroAtTargetProperty.Check),
        ];
        foreach (var (kind, check) in properties)
        {
            using var scope = NewDisposeScope();
            try { check(run); }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                run.Fail(kind, nn.Reduction.None, $"{kind.Title()}: the custom loss threw", double.PositiveInfinity, e.Message);
            }
        }
    }

    void ValidateOne(CaseRun run, nn.Reduction reduction, HashSet<(int, nn.Reduction, int)> gradientDefects)
    {
        var check = run.Check;
        var c = run.Case;
        var dtype = run.DType;
        var tolerance = run.Tolerance;
        var inputs = run.Inputs;
        var differentiable = Enumerable.Range(0, inputs.Length).Where(k => c.Differentiable[k]).ToArray();
        var result = run.Result;
        var valueCheck = check.BuiltInName != null ? ValidationCheckKind.BuiltInTwin
            : check.HasFormula ? ValidationCheckKind.Float64Formula : ValidationCheckKind.FiniteOutput;
        CountDTypeChecks(run);

        // The custom loss.
        var module = run.Module(reduction);
        var customInputs = Leaves(inputs, c.Differentiable);
        Tensor customOut;
        try { customOut = LossInvoker.Call(module, customInputs); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            run.Fail(valueCheck, reduction, "forward", double.PositiveInfinity, "custom loss threw: " + e.Message);
            return;
        }
        var custom = HostArray.From(customOut).Data;
        run.Remember(reduction, custom, customOut.shape);
        var reference = check.HasFormula ? check.Reference(c, run.Host, reduction) : null;
        if (reference != null)
        {
            run.Applied(ValidationCheckKind.Float64Formula);
            result.Comparisons++;
        }
        else run.Skipped(ValidationCheckKind.Float64Formula, "the spec gives no Float64Formula");

        // Values.
        var customVsReference = reference is null ? double.NaN : tolerance.WorstError(custom, reference);
        bool valueDefect = false;
        Tensor? builtInOut = null;
        Tensor[]? builtInInputs = null;
        double[]? builtIn = null;
        if (check.BuiltInName != null)
        {
            run.Applied(ValidationCheckKind.BuiltInTwin);
            result.Comparisons++;
            builtInInputs = Leaves(inputs, c.Differentiable);
            string? builtInError = null;
            try
            {
                builtInOut = check.BuiltIn(c, builtInInputs, reduction);
                builtIn = HostArray.From(builtInOut).Data;
            }
            catch (Exception e) when (e is not OutOfMemoryException) { builtInError = e.Message; }

            var customVsBuiltIn = builtIn is null ? double.PositiveInfinity : tolerance.WorstError(custom, builtIn);
            var builtInVsReference = builtIn is null || reference is null ? double.PositiveInfinity : tolerance.WorstError(builtIn, reference);
            var shapeNote = builtInOut is not null && !builtInOut.shape.SequenceEqual(customOut.shape)
                ? $" (shapes: custom [{string.Join(",", customOut.shape)}], built-in [{string.Join(",", builtInOut.shape)}])" : "";
            if (!tolerance.Accepts(customVsBuiltIn))
            {
                var detail = builtInError != null
                    ? $"built-in threw: {builtInError}"
                    : WorstDetail(custom, builtIn!, reference, tolerance) + shapeNote;
                if (reference != null && tolerance.Accepts(customVsReference) && !tolerance.Accepts(builtInVsReference))
                {
                    // The built-in is not a trustworthy yardstick here: the custom loss is measured against the formula.
                    valueDefect = true;
                    run.Defect(ValidationCheckKind.BuiltInTwin, reduction, "value: built-in vs formula", builtInVsReference, detail);
                }
                else run.Fail(ValidationCheckKind.BuiltInTwin, reduction, "value vs built-in", customVsBuiltIn, detail);
            }
            else if (reference != null && !tolerance.Accepts(customVsReference))
                run.Fail(ValidationCheckKind.Float64Formula, reduction, "value vs float64 formula (custom and built-in agree)", customVsReference,
                    WorstDetail(custom, builtIn!, reference, tolerance));
            result.WorstValueError = Math.Max(result.WorstValueError, valueDefect ? customVsReference : customVsBuiltIn);
        }
        else
        {
            run.Skipped(ValidationCheckKind.BuiltInTwin, check.Generated ? "the spec gives no Twin" : "libtorch has no built-in for this loss");
            if (reference != null)
            {
                result.WorstValueError = Math.Max(result.WorstValueError, customVsReference);
                if (!tolerance.Accepts(customVsReference))
                    run.Fail(ValidationCheckKind.Float64Formula, reduction, "value vs float64 formula", customVsReference,
                        WorstDetail(custom, null, reference, tolerance));
            }
        }

        // float32 against the same loss evaluated in float64 on the same (rounded) inputs: the formula already is that
        // for values, where there is one; the gradients of the float64 evaluation are checked by the float64 pass.
        Tensor? wideOut = null;
        Tensor[]? wide = null;
        if (dtype != ScalarType.Float64)
            run.Applied(ValidationCheckKind.Float32AgainstFloat64);
        if (dtype != ScalarType.Float64 && (reference == null || builtIn == null))
        {
            wide = Leaves(inputs.Select(t => t.is_floating_point() ? t.to(ScalarType.Float64) : t).ToArray(), c.Differentiable);
            try { wideOut = LossInvoker.Call(run.FreshModule(reduction), wide); }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                run.Fail(ValidationCheckKind.Float32AgainstFloat64, reduction, "forward in float64", double.PositiveInfinity,
                    "custom loss threw: " + e.Message);
            }
            if (reference == null && wideOut is not null)
            {
                var wideValues = HostArray.From(wideOut).Data;
                var error = tolerance.WorstError(custom, wideValues);
                result.Comparisons++;
                if (builtIn == null) result.WorstValueError = Math.Max(result.WorstValueError, error);
                if (!tolerance.Accepts(error))
                    run.Fail(ValidationCheckKind.Float32AgainstFloat64, reduction, "value vs float64 evaluation", error,
                        WorstDetail(custom, null, wideValues, tolerance, "float64"));
            }
        }

        if (differentiable.Length == 0)
        {
            SkipDerivatives(run, "no input is differentiable in this case");
            FiniteOutputProperty.Check(run, reduction, custom, reference ?? builtIn, []);
            return;
        }
        if (!customOut.requires_grad)
        {
            SkipDerivatives(run, "the output carries no gradient");
            run.Fail(valueCheck, reduction, "gradient", double.PositiveInfinity,
                $"the output does not require grad although input {differentiable[0]} does: the loss cannot train");
            return;
        }

        // Gradients: a vector-Jacobian product with a fixed, uneven weighting, so that a gradient wrong in
        // one element cannot hide behind a sum.
        var gradOutput = GradOutput(customOut);
        var customGrads = Gradients(customOut, gradOutput, customInputs, differentiable);
        FiniteOutputProperty.Check(run, reduction, custom, reference ?? builtIn, differentiable.Select((k, d) => (k, customGrads[d])).ToList());
        double[][]? builtInGrads = null;
        if (builtInOut is not null && builtInInputs is not null)
            builtInGrads = builtInOut.requires_grad
                ? Gradients(builtInOut, GradOutput(builtInOut), builtInInputs, differentiable)
                : differentiable.Select(k => new double[inputs[k].numel()]).ToArray();

        // With a twin, float32 gradients are compared with the twin's float32 gradients (above): the same rounding, so
        // an ill-conditioned case (a cancellation inherent in the formula) does not read as a defect of the custom loss.
        if (builtInGrads != null && dtype != ScalarType.Float64)
            run.Note(ValidationCheckKind.Float32AgainstFloat64, "gradients compared with the twin's float32 gradients instead");
        else if (wideOut is not null && wide is not null && wideOut.requires_grad)
        {
            var wideGrads = Gradients(wideOut, GradOutput(wideOut), wide, differentiable);
            for (int d = 0; d < differentiable.Length; d++)
            {
                result.Comparisons++;
                var error = tolerance.WorstError(customGrads[d], wideGrads[d]);
                result.WorstGradientError = Math.Max(result.WorstGradientError, error);
                if (!tolerance.Accepts(error))
                    run.Fail(ValidationCheckKind.Float32AgainstFloat64, reduction, $"gradient of input {differentiable[d]} vs float64 evaluation", error,
                        WorstDetail(customGrads[d], null, wideGrads[d], tolerance, "float64"));
            }
        }

        double[][]? finiteDifferences = null;
        if (dtype == ScalarType.Float64 && c.Smooth)
        {
            run.Applied(ValidationCheckKind.FiniteDifferences);
            finiteDifferences = differentiable.Select(k => FiniteDifferenceGradCheck.Gradient(
                xs =>
                {
                    using var noGrad = no_grad();
                    using var s = NewDisposeScope();
                    return (LossInvoker.Call(module, xs) * GradOutput(customOut)).sum().item<double>();
                },
                inputs.Select(t => t.detach().clone()).ToArray(), k)).ToArray();
            // Once per case: a double backward that is wrong is wrong whatever the weighting of the elements; reduction
            // none (uneven weights over the elements) where the case tests it.
            if (reduction == (c.Reductions.Contains(nn.Reduction.None) ? nn.Reduction.None : c.Reductions[0]))
                CheckSecondDerivatives(run, reduction, module, differentiable, gradOutput);
        }
        else if (dtype == ScalarType.Float64)
            SkipDerivatives(run, "not smooth within the step here (a kink or clamp)");

        for (int d = 0; d < differentiable.Length; d++)
        {
            int k = differentiable[d];
            bool fdConfirmsCustom = false;
            if (finiteDifferences != null)
            {
                result.Comparisons++;
                var fdError = Tolerance.FiniteDifference.WorstError(customGrads[d], finiteDifferences[d]);
                result.WorstFiniteDifferenceError = Math.Max(result.WorstFiniteDifferenceError, fdError);
                fdConfirmsCustom = Tolerance.FiniteDifference.Accepts(fdError);
                if (!fdConfirmsCustom)
                    run.Fail(ValidationCheckKind.FiniteDifferences, reduction, $"gradient of input {k} vs finite differences", fdError,
                        WorstDetail(customGrads[d], null, finiteDifferences[d], Tolerance.FiniteDifference, "finite differences"));
            }
            if (builtInGrads == null) continue;
            result.Comparisons++;
            var gradError = tolerance.WorstError(customGrads[d], builtInGrads[d]);
            if (tolerance.Accepts(gradError))
            {
                result.WorstGradientError = Math.Max(result.WorstGradientError, gradError);
                continue;
            }
            var detail = WorstDetail(customGrads[d], builtInGrads[d], null, tolerance);
            // The built-in's gradient is blamed only when the custom loss is right about its value (it matches the
            // formula) and its gradient is consistent with that value (finite differences), or when the built-in's
            // value was already shown wrong on these inputs.
            bool customValueRight = reference != null && tolerance.Accepts(customVsReference);
            bool builtInWrong = valueDefect || (customValueRight && (fdConfirmsCustom || gradientDefects.Contains((run.Index, reduction, k))));
            if (builtInWrong)
            {
                gradientDefects.Add((run.Index, reduction, k));
                run.Defect(ValidationCheckKind.BuiltInTwin, reduction,
                    $"gradient of input {k}: built-in vs custom (confirmed by {(fdConfirmsCustom ? "finite differences" : "the value check")})",
                    gradError, detail);
            }
            else
            {
                result.WorstGradientError = Math.Max(result.WorstGradientError, gradError);
                run.Fail(ValidationCheckKind.BuiltInTwin, reduction, $"gradient of input {k} vs built-in", gradError, detail);
            }
        }
        if (builtInGrads == null)
            result.WorstGradientError = Math.Max(result.WorstGradientError, result.WorstFiniteDifferenceError);
    }

    // Hessian-vector products of the same weighted sum the first-order checks differentiate (float64, smooth cases).
    void CheckSecondDerivatives(CaseRun run, nn.Reduction reduction, nn.Module module, int[] differentiable, Tensor gradOutput)
    {
        const ValidationCheckKind kind = ValidationCheckKind.SecondDerivatives;
        run.Applied(kind);
        var result = run.Result;
        double[][] byAutograd, byDifferences;
        using (var generator = new Generator((ulong)(seed + 1_000_003L * (run.Index + 1) + (long)reduction)))
        {
            try
            {
                (byAutograd, byDifferences) = SecondDerivativeCheck.HessianVectorProducts(
                    xs => LossInvoker.Call(module, xs), run.Inputs, differentiable, gradOutput, generator);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                run.Fail(kind, reduction, "double backward", double.PositiveInfinity, "double backward threw: " + e.Message);
                return;
            }
        }
        bool zero = true;
        for (int d = 0; d < differentiable.Length; d++)
        {
            result.Comparisons++;
            var error = Tolerance.FiniteDifference.WorstError(byAutograd[d], byDifferences[d]);
            result.WorstSecondDerivativeError = Math.Max(result.WorstSecondDerivativeError, error);
            zero &= byAutograd[d].All(v => v == 0) && byDifferences[d].All(v => Math.Abs(v) <= Tolerance.FiniteDifference.Absolute);
            if (!Tolerance.FiniteDifference.Accepts(error))
                run.Fail(kind, reduction, $"Hessian-vector product of input {differentiable[d]} vs finite differences of the gradient", error,
                    WorstDetail(byAutograd[d], null, byDifferences[d], Tolerance.FiniteDifference, "finite differences"));
        }
        if (zero) run.Note(kind, "Hessian zero by both (the loss is piecewise linear or saturated here)");
    }

    // Finite differences and second derivatives are counted over float64 runs and float32 against float64 over float32
    // runs; with only one dtype requested, the other's checks are skipped on every run, saying why.
    void CountDTypeChecks(CaseRun run)
    {
        if (run.DType == ScalarType.Float64 && !dtypes.Contains(ScalarType.Float32))
            run.Skipped(ValidationCheckKind.Float32AgainstFloat64, "float32 was not requested");
        if (run.DType != ScalarType.Float64 && !dtypes.Contains(ScalarType.Float64))
        {
            run.Skipped(ValidationCheckKind.FiniteDifferences, "it runs in float64, which was not requested");
            run.Skipped(ValidationCheckKind.SecondDerivatives, "it runs in float64, which was not requested");
        }
    }

    static void SkipDerivatives(CaseRun run, string reason)
    {
        if (run.DType != ScalarType.Float64) return;
        run.Skipped(ValidationCheckKind.FiniteDifferences, reason);
        run.Skipped(ValidationCheckKind.SecondDerivatives, reason);
    }

    static Tensor[] Leaves(Tensor[] inputs, bool[] differentiable) =>
        inputs.Select((t, k) => differentiable[k] ? t.detach().clone().requires_grad_(true) : t).ToArray();

    /// <summary>Weights 0.8, 0.9, ..., 1.2 repeating: uneven, exact in binary floating point up to rounding.</summary>
    static Tensor GradOutput(Tensor output)
    {
        if (output.numel() == 1) return ones_like(output);
        var n = output.numel();
        return arange(CachedScalars.Of(0L), CachedScalars.Of(n), CachedScalars.One, output.dtype, output.device)
            .remainder(CachedScalars.Of(5L)).mul(CachedScalars.Of(0.1)).add(CachedScalars.Of(0.8), CachedScalars.One).reshape(output.shape);
    }

    static double[][] Gradients(Tensor output, Tensor gradOutput, Tensor[] leaves, int[] differentiable)
    {
        var wrt = differentiable.Select(k => leaves[k]).ToList();
        output.backward([gradOutput], inputs: wrt);
        return wrt.Select(t => t.grad is { } g ? HostArray.From(g).Data : new double[t.numel()]).ToArray();
    }

    static string WorstDetail(double[] custom, double[]? builtIn, double[]? reference, Tolerance tolerance, string referenceName = "formula")
    {
        var against = builtIn ?? reference!;
        if (custom.Length != against.Length)
            return $"custom gives {custom.Length} values, {(builtIn != null ? "built-in" : referenceName)} {against.Length}";
        int worst = 0;
        double worstError = -1;
        for (int i = 0; i < custom.Length; i++)
        {
            var e = tolerance.Error(custom[i], against[i]);
            if (e > worstError) { worstError = e; worst = i; }
        }
        var parts = new List<string> { $"element {worst}: custom {custom[worst]:R}" };
        if (builtIn != null) parts.Add($"built-in {builtIn[worst]:R}");
        if (reference != null && reference.Length == custom.Length) parts.Add($"{referenceName} {reference[worst]:R}");
        return string.Join(", ", parts);
    }
}

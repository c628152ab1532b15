using CustomLosses;
using CustomLosses.Catalog;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Validation;

/// <summary>
/// Validates custom losses three ways: against their libtorch built-in (values for every reduction and
/// gradients of every differentiable input), against an independent float64 formula, and against central
/// finite differences (float64, every loss). Where the built-in disagrees with both the custom loss and
/// the formula, the finding is a built-in defect rather than a failure of the custom loss.
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
        var result = new LossValidationResult { Loss = check.LossName, BuiltIn = check.BuiltInName };
        factory ??= options => LossRegistry.Create(check.LossName, options);
        var gradientDefects = new HashSet<(int Case, nn.Reduction Reduction, int Input)>();

        List<LossCase> cases;
        using (var generator = new Generator((ulong)seed))
            cases = check.Cases(generator).ToList();
        try
        {
            foreach (var dtype in dtypes)
                for (int i = 0; i < cases.Count; i++)
                {
                    result.Cases++;
                    foreach (var reduction in cases[i].Reductions)
                    {
                        using var scope = NewDisposeScope();
                        ValidateOne(check, factory, cases[i], i, dtype, reduction, result, gradientDefects);
                    }
                }
        }
        finally
        {
            foreach (var c in cases) foreach (var t in c.Inputs) t.Dispose();
        }
        return result;
    }

    void ValidateOne(LossCheck check, Func<LossOptions, nn.Module> factory, LossCase c, int caseIndex, ScalarType dtype,
        nn.Reduction reduction, LossValidationResult result, HashSet<(int, nn.Reduction, int)> gradientDefects)
    {
        var tolerance = Tolerance.For(dtype);
        var dtypeName = dtype == ScalarType.Float64 ? "float64" : "float32";
        var inputs = c.Inputs.Select(t => (t.is_floating_point() ? t.to(dtype) : t).to(device).contiguous()).ToArray();
        var host = inputs.Select(HostArray.From).ToArray();
        var inputSize = inputs.Sum(t => t.numel());
        var options = c.Options.With("reduction", reduction.ToOptionString());
        var differentiable = Enumerable.Range(0, inputs.Length).Where(k => c.Differentiable[k]).ToArray();

        void Report(FindingKind kind, string quantity, double error, string detail)
        {
            var finding = new Finding(check.LossName, kind, dtypeName, c.Describe(), reduction.ToOptionString(), quantity,
                error, detail, inputSize, kind == FindingKind.BuiltInDefect ? FormatInputs(host) : null);
            (kind == FindingKind.Failure ? result.Failures : result.BuiltInDefects).Add(finding);
        }

        // The custom loss.
        var module = factory(options);
        module.to(device);
        var customInputs = Leaves(inputs, c.Differentiable);
        Tensor customOut;
        try { customOut = LossInvoker.Call(module, customInputs); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Report(FindingKind.Failure, "forward", double.PositiveInfinity, "custom loss threw: " + e.Message);
            return;
        }
        var custom = HostArray.From(customOut).Data;
        var reference = check.Reference(c, host, reduction);

        // Values.
        result.Comparisons++;
        var customVsReference = tolerance.WorstError(custom, reference);
        bool valueDefect = false;
        Tensor? builtInOut = null;
        Tensor[]? builtInInputs = null;
        if (check.BuiltInName != null)
        {
            builtInInputs = Leaves(inputs, c.Differentiable);
            double[]? builtIn = null;
            string? builtInError = null;
            try
            {
                builtInOut = check.BuiltIn(c, builtInInputs, reduction);
                builtIn = HostArray.From(builtInOut).Data;
            }
            catch (Exception e) when (e is not OutOfMemoryException) { builtInError = e.Message; }

            var customVsBuiltIn = builtIn is null ? double.PositiveInfinity : tolerance.WorstError(custom, builtIn);
            var builtInVsReference = builtIn is null ? double.PositiveInfinity : tolerance.WorstError(builtIn, reference);
            var shapeNote = builtInOut is not null && !builtInOut.shape.SequenceEqual(customOut.shape)
                ? $" (shapes: custom [{string.Join(",", customOut.shape)}], built-in [{string.Join(",", builtInOut.shape)}])" : "";
            if (!tolerance.Accepts(customVsBuiltIn))
            {
                var detail = builtInError != null
                    ? $"built-in threw: {builtInError}"
                    : WorstDetail(custom, builtIn!, reference, tolerance) + shapeNote;
                if (tolerance.Accepts(customVsReference) && !tolerance.Accepts(builtInVsReference))
                {
                    // The built-in is not a trustworthy yardstick here: the custom loss is measured against the formula.
                    valueDefect = true;
                    Report(FindingKind.BuiltInDefect, "value: built-in vs formula", builtInVsReference, detail);
                }
                else Report(FindingKind.Failure, "value vs built-in", customVsBuiltIn, detail);
            }
            else if (!tolerance.Accepts(customVsReference))
                Report(FindingKind.Failure, "value vs float64 formula (custom and built-in agree)", customVsReference,
                    WorstDetail(custom, builtIn!, reference, tolerance));
            result.WorstValueError = Math.Max(result.WorstValueError, valueDefect ? customVsReference : customVsBuiltIn);
        }
        else
        {
            result.WorstValueError = Math.Max(result.WorstValueError, customVsReference);
            if (!tolerance.Accepts(customVsReference))
                Report(FindingKind.Failure, "value vs float64 formula", customVsReference, WorstDetail(custom, null, reference, tolerance));
        }

        if (differentiable.Length == 0 || !customOut.requires_grad) return;

        // Gradients: a vector-Jacobian product with a fixed, uneven weighting, so that a gradient wrong in
        // one element cannot hide behind a sum.
        var gradOutput = GradOutput(customOut);
        var customGrads = Gradients(customOut, gradOutput, customInputs, differentiable);
        double[][]? builtInGrads = null;
        if (builtInOut is not null && builtInInputs is not null)
            builtInGrads = builtInOut.requires_grad
                ? Gradients(builtInOut, GradOutput(builtInOut), builtInInputs, differentiable)
                : differentiable.Select(k => new double[inputs[k].numel()]).ToArray();

        // Without a built-in, float32 gradients are measured against the same loss evaluated in float64 on the
        // same (rounded) inputs, whose gradient the float64 pass checks by finite differences.
        if (builtInGrads == null && dtype != ScalarType.Float64)
        {
            var wide = Leaves(inputs.Select(t => t.is_floating_point() ? t.to(ScalarType.Float64) : t).ToArray(), c.Differentiable);
            var wideModule = factory(options);
            wideModule.to(device);
            var wideOut = LossInvoker.Call(wideModule, wide);
            var wideGrads = Gradients(wideOut, GradOutput(wideOut), wide, differentiable);
            for (int d = 0; d < differentiable.Length; d++)
            {
                result.Comparisons++;
                var error = tolerance.WorstError(customGrads[d], wideGrads[d]);
                result.WorstGradientError = Math.Max(result.WorstGradientError, error);
                if (!tolerance.Accepts(error))
                    Report(FindingKind.Failure, $"gradient of input {differentiable[d]} vs float64 evaluation", error,
                        WorstDetail(customGrads[d], null, wideGrads[d], tolerance, "float64"));
            }
        }

        double[][]? finiteDifferences = null;
        if (dtype == ScalarType.Float64 && c.Smooth)
            finiteDifferences = differentiable.Select(k => FiniteDifferenceGradCheck.Gradient(
                xs => { using var noGrad = no_grad(); using var s = NewDisposeScope(); return (LossInvoker.Call(module, xs) * GradOutput(customOut)).sum().item<double>(); },
                inputs.Select(t => t.detach().clone()).ToArray(), k)).ToArray();

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
                    Report(FindingKind.Failure, $"gradient of input {k} vs finite differences", fdError,
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
            bool customValueRight = tolerance.Accepts(customVsReference);
            bool builtInWrong = valueDefect || (customValueRight && (fdConfirmsCustom || gradientDefects.Contains((caseIndex, reduction, k))));
            if (builtInWrong)
            {
                gradientDefects.Add((caseIndex, reduction, k));
                Report(FindingKind.BuiltInDefect, $"gradient of input {k}: built-in vs custom (confirmed by {(fdConfirmsCustom ? "finite differences" : "the value check")})", gradError, detail);
            }
            else
            {
                result.WorstGradientError = Math.Max(result.WorstGradientError, gradError);
                Report(FindingKind.Failure, $"gradient of input {k} vs built-in", gradError, detail);
            }
        }
        if (builtInGrads == null)
            result.WorstGradientError = Math.Max(result.WorstGradientError, result.WorstFiniteDifferenceError);
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

    static string FormatInputs(HostArray[] inputs) => string.Join("; ", inputs.Select((x, k) =>
        $"input {k} [{string.Join(",", x.Shape)}] = [" + string.Join(", ", x.Data.Take(12).Select(v => v.ToString("G6"))) +
        (x.Count > 12 ? ", ..." : "") + "]"));
}

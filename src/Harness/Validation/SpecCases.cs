using CustomLosses;
using CustomLosses.Catalog;
using static TorchSharp.torch;

namespace Harness.Validation;

/// <summary>
/// Seeded cases for a loss known only by its <see cref="LossSpec"/> (a plugin's), generated from what the spec says
/// it takes: its <see cref="LossSpec.ExpectedOutput"/> (logits, probabilities, log-probabilities, real values,
/// embeddings), its <see cref="LossSpec.Target"/> encoding and its <see cref="LossSpec.InputCount"/>. Each layout comes
/// in several shapes, a batch of one among them, then hard cases where a correct loss must still be finite (regression
/// values of magnitude 1e3, logits of magnitude 100); options keep their defaults, except one case per real option
/// at another valid value. Gradients are checked for what a model emits (the prediction; for three inputs the mean
/// and variance, or every embedding), not for targets and labels.
/// </summary>
public static class SpecCases
{
    /// <summary>The cases for <paramref name="spec"/>, drawn from <paramref name="g"/> (CPU, float64 masters).</summary>
    public static IEnumerable<LossCase> For(LossSpec spec, Generator g) =>
        spec.InputCount == 3 ? ThreeInputs(spec, g) : TwoInputs(spec, g);

    static IEnumerable<LossCase> TwoInputs(LossSpec spec, Generator g)
    {
        bool[] predictionOnly = [true, false];
        switch (spec.Target)
        {
            case TargetEncoding.ClassIndex or TargetEncoding.ClassIndexOrProbabilities:
                foreach (var (n, c) in ClassShapes)
                    yield return Case($"class indices, {Output(spec)} [{n},{c}]",
                        [Prediction(spec, g, [n, c], classes: true), ClassIndices(g, n, c)], predictionOnly);
                if (spec.Target == TargetEncoding.ClassIndexOrProbabilities)
                    yield return Case($"probability targets, {Output(spec)} [5,4]",
                        [Prediction(spec, g, [5, 4], classes: true), ProbabilityRows(g, 5, 4)], predictionOnly);
                foreach (var variant in RealOptionVariants(spec))
                    yield return Case($"class indices [5,4]", [Prediction(spec, g, [5, 4], classes: true), ClassIndices(g, 5, 4)], predictionOnly, variant);
                if (LargeLogits(spec, g, 5, 4) is { } large)
                    yield return Case($"{Output(spec)} of logits ±100", [large, ClassIndices(g, 5, 4)], predictionOnly, hard: true);
                break;

            case TargetEncoding.Probabilities:
                foreach (var (n, c) in ClassShapes)
                    yield return Case($"probability targets, {Output(spec)} [{n},{c}]",
                        [Prediction(spec, g, [n, c], classes: true), ProbabilityRows(g, n, c)], predictionOnly);
                foreach (var variant in RealOptionVariants(spec))
                    yield return Case("probability targets [5,4]",
                        [Prediction(spec, g, [5, 4], classes: true), ProbabilityRows(g, 5, 4)], predictionOnly, variant);
                if (LargeLogits(spec, g, 5, 4) is { } largeRows)
                    yield return Case($"{Output(spec)} of logits ±100", [largeRows, ProbabilityRows(g, 5, 4)], predictionOnly, hard: true);
                break;

            case TargetEncoding.ClassIndexList:
                foreach (var (n, c) in ClassShapes)
                    yield return Case($"class index lists, {Output(spec)} [{n},{c}]",
                        [Prediction(spec, g, [n, c], classes: true), ClassIndexLists(g, n, c)], predictionOnly);
                foreach (var variant in RealOptionVariants(spec))
                    yield return Case("class index lists [5,4]",
                        [Prediction(spec, g, [5, 4], classes: true), ClassIndexLists(g, 5, 4)], predictionOnly, variant);
                if (LargeLogits(spec, g, 5, 4) is { } largeLists)
                    yield return Case($"{Output(spec)} of logits ±100", [largeLists, ClassIndexLists(g, 5, 4)], predictionOnly, hard: true);
                break;

            default:
                foreach (var shape in ElementShapes)
                    yield return Case($"{TargetName(spec.Target)} targets, {Output(spec)} {Format(shape)}",
                        [Prediction(spec, g, shape), Target(spec.Target, g, shape)], predictionOnly);
                foreach (var variant in RealOptionVariants(spec))
                    yield return Case($"{TargetName(spec.Target)} targets [3,4]",
                        [Prediction(spec, g, [3, 4]), Target(spec.Target, g, [3, 4])], predictionOnly, variant);
                if (spec.Target == TargetEncoding.Real && spec.ExpectedOutput == ModelOutput.RealValues)
                    yield return Case("magnitude 1e3", [CaseInputs.Normal(g, [6, 3], 1e3), CaseInputs.Normal(g, [6, 3], 1e3)], predictionOnly, hard: true);
                else if (spec.ExpectedOutput == ModelOutput.Logits && spec.Target is TargetEncoding.ZeroOne or TargetEncoding.PlusMinusOne)
                    yield return Case("logits ±100", [SignedMagnitude(g, [3, 4], 100), Target(spec.Target, g, [3, 4])], predictionOnly, hard: true);
                break;
        }
    }

    static IEnumerable<LossCase> ThreeInputs(LossSpec spec, Generator g)
    {
        var layouts = ThreeInputLayouts(spec);
        // Which layout an ambiguous spec means (pairs of vectors or of scores), the loss itself says: the layouts its
        // forward accepts with default options. With none, the first is tried anyway, so the failure is reported.
        if (layouts.Count > 1)
        {
            var fitting = layouts.Where(l => Accepts(spec, l)).ToList();
            layouts = fitting.Count > 0 ? fitting : [layouts[0]];
        }
        foreach (var layout in layouts)
        {
            foreach (var n in new long[] { 6, 4 })
                yield return Case($"{layout.Name} (N = {n})", layout.Inputs(g, n, 1.0), layout.Differentiable);
            yield return Case($"{layout.Name}, batch of one", layout.Inputs(g, 1, 1.0), layout.Differentiable);
            foreach (var variant in RealOptionVariants(spec))
                yield return Case($"{layout.Name} (N = 4)", layout.Inputs(g, 4, 1.0), layout.Differentiable, variant);
            if (layout.Hard)
                yield return Case($"{layout.Name}, magnitude 1e3", layout.Inputs(g, 6, 1e3), layout.Differentiable, hard: true);
        }
    }

    /// <summary>How a three-input loss's inputs are drawn for a batch of n, at a scale.</summary>
    sealed record Layout(string Name, Func<Generator, long, double, Tensor[]> Inputs, bool[] Differentiable, bool Hard);

    static List<Layout> ThreeInputLayouts(LossSpec spec)
    {
        const long dims = 3;
        var gaussian = new Layout("mean, target, positive variance",
            (g, n, scale) => [CaseInputs.Normal(g, [n, 2], scale), CaseInputs.Normal(g, [n, 2], scale), CaseInputs.Uniform(g, [n, 2], 0.2, 2)],
            [true, false, true], Hard: true);
        var vectorPairs = new Layout("pairs of embeddings with labels",
            (g, n, _) => [CaseInputs.Normal(g, [n, dims]), CaseInputs.Normal(g, [n, dims]), Target(spec.Target, g, [n])],
            [true, true, false], Hard: false);
        var scorePairs = new Layout("pairs of scores with labels",
            (g, n, _) => [CaseInputs.Normal(g, [n]), CaseInputs.Normal(g, [n]), Target(spec.Target, g, [n])],
            [true, true, false], Hard: false);
        var triplets = new Layout("triplets of embeddings",
            (g, n, _) => [CaseInputs.Normal(g, [n, dims]), CaseInputs.Normal(g, [n, dims]), CaseInputs.Normal(g, [n, dims])],
            [true, true, true], Hard: false);
        bool labels = spec.Target is TargetEncoding.PlusMinusOne or TargetEncoding.ZeroOne;
        if (spec.Task == LossTask.Regression && !labels) return [gaussian];
        if (labels) return [vectorPairs, scorePairs];
        if (spec.Task == LossTask.Embedding) return [triplets];
        return [gaussian, vectorPairs, scorePairs, triplets];
    }

    static bool Accepts(LossSpec spec, Layout layout)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(1);
        try
        {
            using var noGrad = no_grad();
            using var module = LossRegistry.Create(spec.Name);
            return LossInvoker.Call(module, layout.Inputs(generator, 4, 1.0)) is not null;
        }
        catch (Exception e) when (e is not OutOfMemoryException) { return false; }
    }

    // Small: finite differences evaluate the loss twice per input element and reduction.
    static readonly (long N, long C)[] ClassShapes = [(5, 4), (6, 3), (1, 4)];
    static readonly long[][] ElementShapes = [[7], [3, 4], [2, 2, 3], [1]];

    static LossCase Case(string label, Tensor[] inputs, bool[] differentiable, (string Name, double Value)? option = null, bool hard = false) =>
        new(label, option is { } o ? LossOptions.Of((o.Name, o.Value)) : LossOptions.Empty, inputs, differentiable, hard: hard);

    // Another valid value of each real option: twice, half, or half a unit away from the default, whichever the
    // option's own range check accepts first.
    static IEnumerable<(string Name, double Value)> RealOptionVariants(LossSpec spec)
    {
        foreach (var option in spec.Options.Where(o => o.Kind == OptionKind.Real && o.Default is double))
        {
            var d = (double)option.Default!;
            foreach (var candidate in new[] { 2 * d, d / 2, d + 0.5, d - 0.5 })
            {
                if (candidate == d || !double.IsFinite(candidate)) continue;
                bool valid;
                try { valid = option.IsValid?.Invoke(candidate) ?? true; }
                catch (Exception) { valid = false; }
                if (!valid) continue;
                yield return (option.Name, candidate);
                break;
            }
        }
    }

    // What the model emits, with the class dimension last for [N, C] rows.
    static Tensor Prediction(LossSpec spec, Generator g, long[] shape, bool classes = false)
    {
        int dim = shape.Length - 1;
        switch (spec.ExpectedOutput)
        {
            case ModelOutput.Probabilities when classes:
            {
                using var logits = CaseInputs.Normal(g, shape);
                return logits.softmax(dim);
            }
            case ModelOutput.LogProbabilities when classes:
            {
                using var logits = CaseInputs.Normal(g, shape);
                return logits.log_softmax(dim);
            }
            case ModelOutput.Probabilities:
                return CaseInputs.OpenProbabilities(g, shape);
            case ModelOutput.LogProbabilities:
            {
                using var p = CaseInputs.OpenProbabilities(g, shape);
                return p.log();
            }
            case ModelOutput.RealValues when spec.Target == TargetEncoding.Counts:
                return CaseInputs.Normal(g, shape, 0.5);
            default:
                return CaseInputs.Normal(g, shape);
        }
    }

    // Logits of magnitude 100 (one class up, the others down, in rows), as the loss expects them: raw, or through
    // log_softmax for log-probabilities. Probabilities that far out are 0 and 1 exactly, where no finite answer is owed.
    static Tensor? LargeLogits(LossSpec spec, Generator g, long n, long c)
    {
        if (spec.ExpectedOutput is not (ModelOutput.Logits or ModelOutput.LogProbabilities)) return null;
        var logits = SignedMagnitude(g, [n, c], 100);
        if (spec.ExpectedOutput == ModelOutput.Logits) return logits;
        using (logits) return logits.log_softmax(1);
    }

    // ±(magnitude + U[0, 1)) with random signs: large, and never tied.
    static Tensor SignedMagnitude(Generator g, long[] shape, double magnitude)
    {
        using var signs = CaseInputs.PlusMinusOne(g, shape);
        using var size = CaseInputs.Uniform(g, shape, magnitude, magnitude + 1);
        return signs.mul(size);
    }

    static Tensor Target(TargetEncoding target, Generator g, long[] shape) => target switch
    {
        TargetEncoding.ZeroOne => CaseInputs.ZeroOne(g, shape),
        TargetEncoding.PlusMinusOne => CaseInputs.PlusMinusOne(g, shape),
        TargetEncoding.Counts => randint(0, 6, shape, dtype: ScalarType.Float64, generator: g),
        _ => CaseInputs.Normal(g, shape),
    };

    static Tensor ClassIndices(Generator g, long n, long classes) => CaseInputs.ClassIndices(g, n, classes);

    static Tensor ProbabilityRows(Generator g, long n, long classes) => CaseInputs.ProbabilityRows(g, n, classes);

    // Per row, 1 to C - 1 distinct classes, then -1 padding (multilabel-margin's encoding).
    static Tensor ClassIndexLists(Generator g, long n, long classes)
    {
        var lists = new long[n, classes];
        using var draws = rand([n, classes + 1], dtype: ScalarType.Float64, generator: g);
        var u = HostArray.From(draws);
        for (int i = 0; i < n; i++)
        {
            int count = 1 + (int)(u[i, (int)classes] * (classes - 1));
            var order = Enumerable.Range(0, (int)classes).OrderBy(k => u[i, k]).ToArray();
            for (int k = 0; k < classes; k++) lists[i, k] = k < count ? order[k] : -1;
        }
        return tensor(lists);
    }

    static string Output(LossSpec spec) => spec.ExpectedOutput switch
    {
        ModelOutput.Logits => "logits",
        ModelOutput.Probabilities => "probabilities",
        ModelOutput.LogProbabilities => "log-probabilities",
        ModelOutput.Embeddings => "embeddings",
        _ => "real values",
    };

    static string TargetName(TargetEncoding target) => target switch
    {
        TargetEncoding.ZeroOne => "{0,1}",
        TargetEncoding.PlusMinusOne => "{-1,+1}",
        TargetEncoding.Counts => "count",
        _ => "real",
    };

    static string Format(long[] shape) => "[" + string.Join(",", shape) + "]";
}

using System.Runtime.CompilerServices;
using Harness.Training;
using static TorchSharp.torch;

/// <summary>
/// K runs trained as one stacked model: each step gathers every run's own batch rows by its own order ([K, B] indices into
/// the seeds' stacked rows), runs the stacked MLP, applies each run's own loss binding to its slice of the output,
/// reads the K losses back at once (the divergence check), sums them so one backward serves all (the sum passes each
/// loss a gradient of exactly 1) and steps every run with <see cref="StackedAdam"/>.
/// </summary>
static class StackedRuns
{
    /// <summary>
    /// Trains <paramref name="steps"/> steps (0: every epoch); calls <paramref name="snapshot"/> after the steps it names.
    /// <paramref name="oneLossCall"/>: a speed bound only, one loss call over the whole stack instead of one per run.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Train(GridData grid, IReadOnlyList<RunSpec> runs, int steps = 0, Func<int, bool>? wants = null,
        Action<int, StackedParameters>? snapshot = null, bool oneLossCall = false)
    {
        var shape = grid.Shape;
        int count = runs.Count;
        using var parameters = new StackedParameters(grid, runs);
        using var adam = new StackedAdam(parameters, [.. runs.Select(r => r.LearningRate)]);
        var losses = runs.Select(r => r.Loss).Distinct().ToArray();
        var bindings = runs.Select(r => grid.Bindings[r.Loss]).ToArray();
        long samples = grid.Samples;
        using var rowOffsets = tensor(runs.Select(r => grid.SeedIndex(r.Seed) * samples).ToArray()).reshape(count, 1);
        long[] featureShape = [count, -1, grid.StackedFeatures.shape[1]];
        int perEpoch = grid.StepsPerEpoch, total = steps > 0 ? steps : perEpoch * shape.Epochs, done = 0;
        var perLossTargets = new Tensor[grid.Bindings.Length][];
        var perRunLoss = new Tensor[count];
        for (int epoch = 1; done < total; epoch++)
        {
            using var orders = stack(runs.Select(r => EpochOrder.Permutation(r.Seed, epoch, samples)).ToList()).add_(rowOffsets);
            for (int b = 0; b < perEpoch && done < total; b++)
            {
                using (var scope = NewDisposeScope())
                {
                    long start = (long)b * shape.BatchSize, len = Math.Min(shape.BatchSize, samples - start);
                    var rows = orders.narrow(1, start, len).reshape(-1);
                    var x = grid.StackedFeatures.index_select(0, rows).view(featureShape);
                    foreach (var l in losses)
                    {
                        var y = grid.StackedTargets[l].index_select(0, rows);
                        perLossTargets[l] = y.view([count, len, .. y.shape[1..]]).unbind(0);
                    }
                    adam.ZeroGrad();
                    var stackedOutput = parameters.Forward(x);
                    Tensor loss;
                    if (oneLossCall)
                    {
                        // The speed bound, not the grid: run 0's loss over every run's rows in one call.
                        var y0 = grid.StackedTargets[runs[0].Loss].index_select(0, rows);
                        loss = bindings[0].Loss(stackedOutput.reshape(count * len, -1), y0).mul(count).expand(count);
                    }
                    else
                    {
                        var outputs = stackedOutput.unbind(0);
                        for (int k = 0; k < count; k++)
                            perRunLoss[k] = bindings[k].Loss(outputs[k], perLossTargets[runs[k].Loss][k]);
                        loss = stack(perRunLoss);
                    }
                    var values = loss.detach().data<float>();
                    for (int k = 0; k < count; k++)
                        if (!float.IsFinite(values[k])) throw new InvalidOperationException($"run {runs[k]} diverged");
                    loss.sum().backward();
                    adam.Step();
                }
                done++;
                if (wants?.Invoke(done) == true) snapshot!(done, parameters);
            }
        }
    }
}

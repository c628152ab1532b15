using Harness.Models;
using Harness.Training;
using static TorchSharp.torch;

/// <summary>
/// Where a stacked run first departs from the run alone: one forward and backward on the first batch, both ways, compared
/// bit for bit: the outputs, then each parameter's gradient (before any optimizer step).
/// </summary>
static class FirstStep
{
    /// <summary>Per run: outputs identical, and per parameter tensor the largest absolute gradient difference (0: identical).</summary>
    public static List<(bool Outputs, double[] Gradients)> Compare(GridData grid, IReadOnlyList<RunSpec> runs)
    {
        using var scope = NewDisposeScope();
        int count = runs.Count, batch = grid.Shape.BatchSize;
        long samples = grid.Samples;
        using var parameters = new StackedParameters(grid, runs);
        var orders = runs.Select(r => EpochOrder.Permutation(r.Seed, 1, samples).narrow(0, 0, batch)).ToList();
        var rows = stack(orders.Select((o, k) => o + grid.SeedIndex(runs[k].Seed) * samples).ToList()).reshape(-1);
        var x = grid.StackedFeatures.index_select(0, rows).view(count, batch, -1);
        var stackedOut = parameters.Forward(x);
        var outputs = stackedOut.unbind(0);
        var losses = new List<Tensor>();
        for (int k = 0; k < count; k++)
        {
            var y = grid.StackedTargets[runs[k].Loss].index_select(0, rows.narrow(0, k * batch, batch));
            losses.Add(grid.Bindings[runs[k].Loss].Loss(outputs[k], y));
        }
        stack(losses).sum().backward();

        var result = new List<(bool, double[])>();
        for (int k = 0; k < count; k++)
        {
            var spec = runs[k];
            var device = grid.Devices[grid.SeedIndex(spec.Seed)];
            var binding = grid.Bindings[spec.Loss];
            using var net = ModelFactory.Build(grid.Shape.Model, device.Data.FeatureShape, binding.Outputs, spec.Seed);
            var encoded = binding.Encoding.Encode(device.TrainTargets, binding.ClassCount, device.TrainFeatures.dtype);
            var xs = device.TrainFeatures.index_select(0, orders[k]);
            var raw = net.call(xs);
            binding.Loss(raw, encoded.index_select(0, orders[k])).backward();
            bool sameOut = raw.reshape(-1).data<float>().ToArray().SequenceEqual(outputs[k].reshape(-1).data<float>().ToArray());
            long offset = 0;
            var diffs = new List<double>();
            foreach (var p in net.parameters())
            {
                var alone = p.grad!.reshape(-1);
                var stacked = parameters.Gradient[k].narrow(0, offset, alone.numel());
                diffs.Add((alone - stacked).abs().max().item<float>());
                offset += alone.numel();
            }
            result.Add((sameOut, [.. diffs]));
        }
        return result;
    }
}

using System.Runtime.CompilerServices;
using Harness.Config;
using Harness.Experiments;
using Harness.Models;
using Harness.Training;
using static TorchSharp.torch;

/// <summary>
/// One run trained alone, the way the harness's trainer steps it today: the model from ModelFactory, the accelerated
/// paths the CLI plugs in (one flat parameter buffer with the fused Adam step, the prefetching batch gather), the
/// run's own epoch orders, its loss binding, the loss read back every step (the divergence check), a dispose scope per
/// step. Left out, on both sides of the comparison: evaluation, accuracy counts, gradient norms, sinks, checkpoints.
/// </summary>
static class SequentialRun
{
    /// <summary>Trains <paramref name="steps"/> steps (0: every epoch); calls <paramref name="snapshot"/> after the steps it names.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Train(GridData grid, RunSpec spec, int steps = 0, Func<int, bool>? wants = null, Action<int, float[]>? snapshot = null)
    {
        var shape = grid.Shape;
        var device = grid.Devices[grid.SeedIndex(spec.Seed)];
        var binding = grid.Bindings[spec.Loss];
        using var net = ModelFactory.Build(shape.Model, device.Data.FeatureShape, binding.Outputs, spec.Seed);
        using var stepper = TrainingAccelerators.Instance.Stepper(net, new OptimizerConfig { Name = "adam", LearningRate = spec.LearningRate });
        using var encoded = binding.Encoding.Encode(device.TrainTargets, binding.ClassCount, device.TrainFeatures.dtype);
        using var batches = TrainingAccelerators.Instance.Batches(device, encoded, shape.BatchSize);
        long samples = grid.Samples;
        int perEpoch = grid.StepsPerEpoch, total = steps > 0 ? steps : perEpoch * shape.Epochs, done = 0;
        net.train();
        for (int epoch = 1; done < total; epoch++)
        {
            using var order = EpochOrder.Permutation(spec.Seed, epoch, samples);
            batches.BeginEpoch(order);
            for (int b = 0; b < perEpoch && done < total; b++)
            {
                using (var scope = NewDisposeScope())
                {
                    long start = (long)b * shape.BatchSize, len = Math.Min(shape.BatchSize, samples - start);
                    var (x, y) = batches.Take(start, len);
                    stepper.ZeroGrad();
                    var loss = binding.Loss(net.call(x), y);
                    if (!float.IsFinite(loss.item<float>())) throw new InvalidOperationException($"run {spec} diverged");
                    loss.backward();
                    stepper.Step();
                }
                done++;
                if (wants?.Invoke(done) == true) snapshot!(done, Flatten(net));
            }
            stepper.EndEpoch();
        }
    }

    /// <summary>The model's parameters in registration order, as one array.</summary>
    public static float[] Flatten(nn.Module net)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return cat(net.parameters().Select(p => p.detach().reshape(-1)).ToList(), 0).data<float>().ToArray();
    }
}

using System.Diagnostics;
using Harness.Acceleration;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Validation.TrainingParity;

/// <summary>
/// Trains one network three times in lockstep on the same batches: with the candidate loss, with its reference (the
/// built-in twin), and with the reference again from initial weights nudged by one unit in the last place and with the
/// gradient at the model output moved by one unit in the last place at every step (the yardstick, see <see cref="UlpNoise"/>).
/// Records per step the loss values and the relative differences of gradients and parameters, and
/// classifies the candidate with <see cref="ParityEnvelope"/>.
/// </summary>
/// <remarks>
/// A plain loop (an MLP with ReLU, <see cref="ParityAdam"/>, fixed batches), not the harness's trainer: parity must not depend on the
/// trainer's acceleration code (flat parameter buffers, fused optimizer steps), which has its own bit-identity tests.
/// </remarks>
internal sealed class TrainingParityRunner(ParitySettings settings)
{
    /// <summary>Runs <paramref name="target"/> on <paramref name="data"/> (the problem's data set).</summary>
    public ParityResult Run(ParityTarget target, ParityData data)
    {
        var watch = Stopwatch.StartNew();
        var batches = data.BatchOrder(settings.Steps, settings.BatchSize, settings.Seed);
        var dtype = target.Float64 ? ScalarType.Float64 : ScalarType.Float32;
        var candidate = Build(data.Columns, target.Problem.Outputs, dtype);
        var reference = Build(data.Columns, target.Problem.Outputs, dtype);
        var yardstick = Build(data.Columns, target.Problem.Outputs, dtype);
        try
        {
            if (!Host(Parameters(candidate.Model)).AsSpan().SequenceEqual(Host(Parameters(reference.Model))))
                throw new InvalidOperationException("two builds with one seed gave different weights");
            NudgeOneUlp(yardstick.Model, settings.Seed);
            var noise = new Random(settings.Seed ^ 0x0D15EA5E);

            int steps = batches.Count;
            var (lossC, lossR) = (new double[steps], new double[steps]);
            var (gradDrift, paramDrift, yGradDrift, yParamDrift) = (new double[steps], new double[steps], new double[steps], new double[steps]);
            bool identical = true;
            int lossMismatches = 0;
            double worstLoss = 0;
            for (int k = 0; k < steps; k++)
            {
                using var noGc = NoCollection.Start();
                using var scope = NewDisposeScope();
                var batch = ParityBatch.Of(data, batches[k]);
                if (target.Float64) batch = batch with { Features = batch.Features.to(ScalarType.Float64) };
                var (lc, gc) = Forward(candidate, target.Candidate, target.Problem, batch, null);
                var (lr, gr) = Forward(reference, target.Reference, target.Problem, batch, null);
                var (_, gy) = Forward(yardstick, target.Reference, target.Problem, batch, noise);
                candidate.Optimizer.Step();
                reference.Optimizer.Step();
                yardstick.Optimizer.Step();
                var (pc, pr, py) = (Host(Parameters(candidate.Model)), Host(Parameters(reference.Model)), Host(Parameters(yardstick.Model)));

                (lossC[k], lossR[k]) = (lc, lr);
                gradDrift[k] = RelativeDifference(gc, gr);
                paramDrift[k] = RelativeDifference(pc, pr);
                yGradDrift[k] = RelativeDifference(gy, gr);
                yParamDrift[k] = RelativeDifference(py, pr);
                identical &= SameBits(gc, gr) && SameBits(pc, pr);
                if (BitConverter.DoubleToInt64Bits(lc) != BitConverter.DoubleToInt64Bits(lr)) lossMismatches++;
                worstLoss = Math.Max(worstLoss, Math.Abs(lc - lr) / Math.Max(Math.Abs(lr), double.Epsilon));
            }
            var (verdict, first) = ParityEnvelope.Classify(identical, paramDrift, yParamDrift);
            return new ParityResult
            {
                Name = target.Name, Reference = target.ReferenceName, Dataset = data.Name, Problem = target.Problem.Description,
                CandidateLoss = lossC, ReferenceLoss = lossR, GradientDrift = gradDrift, ParameterDrift = paramDrift,
                YardstickGradientDrift = yGradDrift, YardstickParameterDrift = yParamDrift,
                BitIdentical = identical, LossValueMismatches = lossMismatches, WorstLossDifference = worstLoss,
                Verdict = verdict, FirstDivergentStep = first, Seconds = watch.Elapsed.TotalSeconds,
            };
        }
        finally
        {
            foreach (var run in new[] { candidate, reference, yardstick })
            {
                run.Optimizer.Dispose();
                run.Model.Dispose();
            }
        }
    }

    sealed record Trained(nn.Module<Tensor, Tensor> Model, ParityAdam Optimizer);

    /// <summary>An MLP with ReLU seeded by the settings' seed (the same weights every call), and its optimizer.</summary>
    Trained Build(int inputs, int outputs, ScalarType dtype)
    {
        manual_seed(settings.Seed);
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        long width = inputs;
        for (int i = 0; i < settings.Hidden.Count; i++)
        {
            layers.Add(($"linear{i}", nn.Linear(width, settings.Hidden[i])));
            layers.Add(($"relu{i}", nn.ReLU()));
            width = settings.Hidden[i];
        }
        layers.Add(("head", nn.Linear(width, outputs)));
        var model = nn.Sequential(layers);
        // Before the optimizer: to() replaces the parameter tensors.
        if (dtype != ScalarType.Float32) model.to(dtype);
        return new Trained(model, new ParityAdam(model.parameters(), settings.LearningRate));
    }

    /// <summary>Zeroes the gradients, runs forward and backward; returns the loss value and the gradients on the host.</summary>
    /// <remarks>With <paramref name="noise"/> (the yardstick), the gradient at the model output is moved one ulp per element.</remarks>
    static (double Loss, double[] Gradients) Forward(Trained run, Func<Tensor[], Tensor> loss, ParityProblem problem, ParityBatch batch, Random? noise)
    {
        run.Optimizer.ZeroGrad();
        var output = run.Model.call(batch.Features);
        if (noise != null) output = UlpNoise.apply(output, UlpNoise.Directions(output, noise));
        // Targets are made in float32; a float64 run casts them (class indices stay int64).
        var inputs = problem.Inputs(output, batch).Select(t => t.is_floating_point() && t.dtype != output.dtype ? t.to(output.dtype) : t).ToArray();
        var value = loss(inputs);
        value.backward();
        var gradients = Host(run.Model.parameters().Select(p => p.grad ?? zeros_like(p)));
        return (value.to(ScalarType.Float64).item<double>(), gradients);
    }

    static IEnumerable<Tensor> Parameters(nn.Module module) => module.parameters();

    /// <summary>The tensors flattened into one host array, in order, as doubles (exact for float32; distinct bits stay distinct).</summary>
    static double[] Host(IEnumerable<Tensor> tensors)
    {
        using var scope = NewDisposeScope();
        var flat = cat(tensors.Select(t => t.detach().flatten()).ToList(), 0).to(ScalarType.Float64);
        return flat.data<double>().ToArray();
    }

    /// <summary>Moves every parameter element one unit in the last place up or down (a seeded coin per element).</summary>
    static void NudgeOneUlp(nn.Module model, int seed)
    {
        var random = new Random(seed ^ 0x5EED);
        using var noGrad = no_grad();
        foreach (var p in model.parameters())
        {
            using var scope = NewDisposeScope();
            if (p.dtype == ScalarType.Float64)
            {
                var values = p.detach().flatten().data<double>().ToArray();
                for (int i = 0; i < values.Length; i++)
                    values[i] = random.Next(2) == 0 ? Math.BitIncrement(values[i]) : Math.BitDecrement(values[i]);
                p.copy_(tensor(values).reshape(p.shape));
            }
            else
            {
                var values = p.detach().flatten().data<float>().ToArray();
                for (int i = 0; i < values.Length; i++)
                    values[i] = random.Next(2) == 0 ? MathF.BitIncrement(values[i]) : MathF.BitDecrement(values[i]);
                p.copy_(tensor(values).reshape(p.shape));
            }
        }
    }

    /// <summary>‖a − b‖ / ‖b‖ in double precision (‖a − b‖ when b is zero).</summary>
    internal static double RelativeDifference(double[] a, double[] b)
    {
        double diff = 0, norm = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double d = a[i] - b[i];
            diff += d * d;
            norm += b[i] * b[i];
        }
        return norm > 0 ? Math.Sqrt(diff / norm) : Math.Sqrt(diff);
    }

    static bool SameBits(double[] a, double[] b) =>
        a.Length == b.Length
            && System.Runtime.InteropServices.MemoryMarshal.AsBytes(a.AsSpan())
                .SequenceEqual(System.Runtime.InteropServices.MemoryMarshal.AsBytes(b.AsSpan()));
}

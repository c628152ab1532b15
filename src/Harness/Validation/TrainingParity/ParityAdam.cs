using CustomLosses;
using static TorchSharp.torch;

namespace Harness.Validation.TrainingParity;

/// <summary>
/// Adam (PyTorch's update, no weight decay) written with kept scalars. TorchSharp's <c>optim.Adam</c> hands libtorch
/// temporary scalars on every step, and a parity run makes enough garbage (host copies of every gradient and weight each
/// step) that a collection finalized one mid-call: libtorch threw "Expected false to be true" from <c>Scalar::toFloat</c>
/// twice in ten runs (see the README's "TorchSharp's temporary scalars"). The same optimizer steps all three runs, so
/// it need not be TorchSharp's; it must only be deterministic.
/// </summary>
internal sealed class ParityAdam : IDisposable
{
    const double Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8;
    readonly List<(Tensor Parameter, Tensor M, Tensor V)> state;
    readonly double learningRate;
    int step;

    /// <summary>Starts Adam over <paramref name="parameters"/> with zero moments.</summary>
    public ParityAdam(IEnumerable<Tensor> parameters, double learningRate)
    {
        this.learningRate = learningRate;
        state = parameters.Select(p => (p, zeros_like(p).DetachFromDisposeScope(), zeros_like(p).DetachFromDisposeScope())).ToList();
    }

    /// <summary>Clears every gradient.</summary>
    public void ZeroGrad()
    {
        foreach (var (p, _, _) in state) p.grad?.zero_();
    }

    /// <summary>One update from the current gradients.</summary>
    public void Step()
    {
        step++;
        double bc1 = 1 - Math.Pow(Beta1, step), bc2 = 1 - Math.Pow(Beta2, step);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var (p, m, v) in state)
        {
            if (p.grad is not { } g) continue;
            m.mul_(CachedScalars.Of(Beta1)).add_(g, CachedScalars.Of(1 - Beta1));
            v.mul_(CachedScalars.Of(Beta2)).addcmul_(g, g, CachedScalars.Of(1 - Beta2));
            var denominator = v.sqrt().div_(CachedScalars.Of(Math.Sqrt(bc2))).add_(CachedScalars.Of(Epsilon), CachedScalars.One);
            p.addcdiv_(m, denominator, CachedScalars.Of(-learningRate / bc1));
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var (_, m, v) in state)
        {
            m.Dispose();
            v.Dispose();
        }
    }
}

using CustomLosses;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Harness.Training.Optimizers;

/// <summary>
/// Adam: TorchSharp's <see cref="TorchSharp.Modules.Adam"/> with a step that keeps every scalar it hands libtorch alive
/// until the call returns (<see cref="OptimizerFactory"/> says why). Per parameter <c>p</c> with gradient <c>g</c>
/// (negated when maximizing), at step t:
/// <code>
/// g = g + weight_decay p
/// m = beta1 m + (1 - beta1) g,   v = beta2 v + (1 - beta2) g²,   v̂ = max(v̂, v) with amsgrad, else v
/// p = p - (lr / (1 - beta1^t)) m / (sqrt(v̂) / sqrt(1 - beta2^t) + eps)
/// </code>
/// The same libtorch calls, in the same order and with the same scalar values, as TorchSharp 0.107's step: bit-identical
/// parameters and state (tested), and checkpoints in TorchSharp's format.
/// </summary>
public sealed class Adam : TorchSharp.Modules.Adam
{
    /// <summary>Adam over <paramref name="parameters"/> (TorchSharp's defaults and checks).</summary>
    public Adam(IEnumerable<Parameter> parameters, double lr = 0.001, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
        double weight_decay = 0, bool amsgrad = false, bool maximize = false)
        : base(parameters, lr, beta1, beta2, eps, weight_decay, amsgrad, maximize)
    {
    }

    /// <inheritdoc />
    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var options = (Options)group.Options;
        double weightDecay = options.weight_decay!.Value;
        var moments = new Moments(options.beta1!.Value, options.beta2!.Value, options.eps!.Value, options.LearningRate!.Value, options.amsgrad!.Value);
        using var decay = weightDecay.ToScalar();
        foreach (var parameter in group.Parameters)
        {
            var state = (State)_state[parameter.Handle];
            var grad = parameter.grad;
            if (grad is null) continue;
            if (options.maximize!.Value) grad = grad.neg();
            state.step++;
            if (weightDecay != 0) grad = grad.add(parameter, decay);
            moments.Apply(parameter, grad, grad.conj(), state.exp_avg, state.exp_avg_sq, ref state.max_exp_avg_sq, state.step);
        }
    }, closure);

    /// <summary>
    /// The moment updates and the parameter update that Adam and AdamW share, from one parameter group's options.
    /// </summary>
    internal readonly record struct Moments(double Beta1, double Beta2, double Eps, double LearningRate, bool AmsGrad)
    {
        /// <summary>
        /// Updates <paramref name="expAvg"/>, <paramref name="expAvgSq"/> (and with amsgrad <paramref name="maxExpAvgSq"/>,
        /// replaced as TorchSharp replaces it) and takes step <paramref name="step"/> of <paramref name="parameter"/>.
        /// <paramref name="gradSquareFactor"/> is the gradient's second factor in v's update (Adam's <c>g.conj()</c>).
        /// </summary>
        public void Apply(Tensor parameter, Tensor grad, Tensor gradSquareFactor, Tensor expAvg, Tensor expAvgSq, ref Tensor maxExpAvgSq, long step)
        {
            double bc1 = 1 - Math.Pow(Beta1, step), bc2 = 1 - Math.Pow(Beta2, step);
            using var beta1 = Beta1.ToScalar();
            using var rest1 = (1 - Beta1).ToScalar();
            using var beta2 = Beta2.ToScalar();
            using var rest2 = (1 - Beta2).ToScalar();
            using var sqrtBc2 = Math.Sqrt(bc2).ToScalar();
            using var eps = Eps.ToScalar();
            // 0.0 - x, as TorchSharp writes it: -x would differ at lr = 0 (-0 instead of +0).
            using var stepSize = (0.0 - LearningRate / bc1).ToScalar();
            expAvg.mul_(beta1).add_(grad, rest1);
            expAvgSq.mul_(beta2).addcmul_(grad, gradSquareFactor, rest2);
            Tensor second = expAvgSq;
            if (AmsGrad)
            {
                var previous = maxExpAvgSq;
                maxExpAvgSq = maximum(previous, expAvgSq).DetachFromDisposeScope();
                previous.Dispose();
                second = maxExpAvgSq;
            }
            var denominator = second.sqrt().div(sqrtBc2).add_(eps, CachedScalars.One);
            parameter.addcdiv_(expAvg, denominator, stepSize);
        }
    }
}

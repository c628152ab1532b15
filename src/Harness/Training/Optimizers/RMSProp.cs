using CustomLosses;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Harness.Training.Optimizers;

/// <summary>
/// RMSprop: TorchSharp's <see cref="TorchSharp.Modules.RMSProp"/> with a step that keeps every scalar it hands libtorch
/// alive until the call returns (<see cref="OptimizerFactory"/> says why). Per parameter <c>p</c> with gradient <c>g</c>
/// (negated when maximizing):
/// <code>
/// g = g + weight_decay p
/// v = alpha v + (1 - alpha) g²
/// d = sqrt(v - a²) + eps  with  a = alpha a + (1 - alpha) g   (centered)        d = sqrt(v) + eps   (otherwise)
/// b = momentum b + g / d,  p = p - lr b                        (momentum > 0)    p = p - lr g / d    (otherwise)
/// </code>
/// The same libtorch calls, in the same order and with the same scalar values, as TorchSharp 0.107's step: bit-identical
/// parameters and state (tested), and checkpoints in TorchSharp's format.
/// </summary>
public sealed class RMSProp : TorchSharp.Modules.RMSProp
{
    /// <summary>RMSprop over <paramref name="parameters"/> (TorchSharp's defaults and checks).</summary>
    public RMSProp(IEnumerable<Parameter> parameters, double lr = 0.001, double alpha = 0.99, double eps = 1e-8, double weight_decay = 0,
        double momentum = 0, bool centered = false, bool maximize = false)
        : base(parameters, lr, alpha, eps, weight_decay, momentum, centered, maximize)
    {
    }

    /// <inheritdoc />
    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var options = (Options)group.Options;
        double momentum = options.momentum!.Value, alpha = options.alpha!.Value, weightDecay = options.weight_decay!.Value;
        bool maximize = options.maximize!.Value, centered = options.centered!.Value;
        using var decay = weightDecay.ToScalar();
        using var smoothing = alpha.ToScalar();
        using var rest = (1 - alpha).ToScalar();
        using var eps = options.eps!.Value.ToScalar();
        using var beta = momentum.ToScalar();
        // 0.0 - lr, as TorchSharp writes it: -lr would differ at lr = 0 (-0 instead of +0).
        using var stepSize = (0.0 - options.LearningRate!.Value).ToScalar();
        foreach (var parameter in group.Parameters)
        {
            var state = (State)_state[parameter.Handle];
            var grad = parameter.grad;
            if (grad is null) continue;
            if (maximize) grad = grad.neg();
            state.step++;
            if (weightDecay != 0) grad = grad.add(parameter, decay);
            state.square_avg.mul_(smoothing).addcmul_(grad, grad, rest);
            Tensor denominator;
            if (centered)
            {
                var gradAvg = state.grad_avg;
                gradAvg.mul_(smoothing).add_(grad, rest);
                denominator = state.square_avg.addcmul(gradAvg, gradAvg, CachedScalars.Of(-1L)).sqrt_().add_(eps, CachedScalars.One);
            }
            else
            {
                denominator = state.square_avg.sqrt().add_(eps, CachedScalars.One);
            }
            if (momentum > 0)
            {
                var buffer = state.momentum_buffer;
                buffer.mul_(beta).addcdiv_(grad, denominator, CachedScalars.One);
                parameter.add_(buffer, stepSize);
            }
            else
            {
                parameter.addcdiv_(grad, denominator, stepSize);
            }
        }
    }, closure);
}

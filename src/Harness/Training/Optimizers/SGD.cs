using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Harness.Training.Optimizers;

/// <summary>
/// Stochastic gradient descent: TorchSharp's <see cref="TorchSharp.Modules.SGD"/> with a step that keeps every scalar it
/// hands libtorch alive until the call returns (<see cref="OptimizerFactory"/> says why). Per parameter <c>p</c> with
/// gradient <c>g</c>:
/// <code>
/// g = g + weight_decay p
/// b = g                                   (first step)       b = momentum b + (1 - dampening) g   (later steps)
/// g = nesterov ? g + momentum b : b       (when momentum != 0)
/// p = p - lr g                            (p + lr g when maximizing)
/// </code>
/// The same libtorch calls, in the same order and with the same scalar values, as TorchSharp 0.107's step: bit-identical
/// parameters and state (tested), and checkpoints in TorchSharp's format.
/// </summary>
public sealed class SGD : TorchSharp.Modules.SGD
{
    /// <summary>SGD over <paramref name="parameters"/> (TorchSharp's defaults and checks).</summary>
    public SGD(IEnumerable<Parameter> parameters, double lr, double momentum = 0, double dampening = 0, double weight_decay = 0,
        bool nesterov = false, bool maximize = false) : base(parameters, lr, momentum, dampening, weight_decay, nesterov, maximize)
    {
    }

    /// <inheritdoc />
    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var options = (Options)group.Options;
        double momentum = options.momentum!.Value, dampening = options.dampening!.Value, weightDecay = options.weight_decay!.Value;
        double lr = options.LearningRate!.Value;
        bool nesterov = options.nesterov!.Value;
        using var decay = weightDecay.ToScalar();
        using var beta = momentum.ToScalar();
        using var keep = (1 - dampening).ToScalar();
        // 0.0 - lr, as TorchSharp writes it: -lr would differ at lr = 0 (-0 instead of +0).
        using var stepSize = (options.maximize!.Value ? lr : 0.0 - lr).ToScalar();
        foreach (var parameter in group.Parameters)
        {
            var state = (State)_state[parameter.Handle];
            var grad = parameter.grad;
            if (grad is null) continue;
            if (weightDecay != 0) grad = grad.add(parameter, decay);
            if (momentum != 0)
            {
                var buffer = state.momentum_buffer;
                if (buffer is null) buffer = state.momentum_buffer = grad.clone().detach().DetachFromDisposeScope();
                else buffer.mul_(beta).add_(grad, keep);
                grad = nesterov ? grad.add(buffer, beta) : buffer;
            }
            parameter.add_(grad, stepSize);
        }
    }, closure);
}

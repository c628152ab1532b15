using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Harness.Training.Optimizers;

/// <summary>
/// AdamW: TorchSharp's <see cref="TorchSharp.Modules.AdamW"/> with a step that keeps every scalar it hands libtorch
/// alive until the call returns (<see cref="OptimizerFactory"/> says why). Adam's update (<see cref="Adam"/>) without
/// weight decay in the gradient; instead, before it, the decoupled decay <c>p = (1 - lr weight_decay) p</c>.
/// The same libtorch calls, in the same order and with the same scalar values, as TorchSharp 0.107's step: bit-identical
/// parameters and state (tested), and checkpoints in TorchSharp's format.
/// </summary>
public sealed class AdamW : TorchSharp.Modules.AdamW
{
    /// <summary>AdamW over <paramref name="parameters"/> (TorchSharp's defaults and checks).</summary>
    public AdamW(IEnumerable<Parameter> parameters, double lr = 0.001, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
        double weight_decay = 0, bool amsgrad = false, bool maximize = false)
        : base(parameters, lr, beta1, beta2, eps, weight_decay, amsgrad, maximize)
    {
    }

    /// <inheritdoc />
    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var options = (Options)group.Options;
        double lr = options.LearningRate!.Value;
        var moments = new Adam.Moments(options.beta1!.Value, options.beta2!.Value, options.eps!.Value, lr, options.amsgrad!.Value);
        using var decay = (1 - lr * options.weight_decay!.Value).ToScalar();
        foreach (var parameter in group.Parameters)
        {
            var state = (State)_state[parameter.Handle];
            var grad = parameter.grad;
            if (grad is null) continue;
            if (options.maximize!.Value) grad = grad.neg();
            state.step++;
            parameter.mul_(decay);
            moments.Apply(parameter, grad, grad, state.exp_avg, state.exp_avg_sq, ref state.max_exp_avg_sq, state.step);
        }
    }, closure);
}

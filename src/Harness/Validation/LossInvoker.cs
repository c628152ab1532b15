using static TorchSharp.torch;

namespace Harness.Validation;

/// <summary>Calls a loss module with two or three inputs, whichever its forward takes.</summary>
public static class LossInvoker
{
    /// <summary>Runs forward (with hooks) on <paramref name="inputs"/>.</summary>
    public static Tensor Call(nn.Module loss, IReadOnlyList<Tensor> inputs) => loss switch
    {
        nn.Module<Tensor, Tensor, Tensor> two when inputs.Count == 2 => two.call(inputs[0], inputs[1]),
        nn.Module<Tensor, Tensor, Tensor, Tensor> three when inputs.Count == 3 => three.call(inputs[0], inputs[1], inputs[2]),
        _ => throw new ArgumentException($"{loss.GetType().Name} cannot be called with {inputs.Count} inputs."),
    };
}

using static TorchSharp.torch;

namespace Harness.Losses;

/// <summary>Application of an <see cref="OutputActivation"/> (the enum and its spellings live in <see cref="OutputActivations"/>).</summary>
public static class OutputActivationTensors
{
    /// <summary>Applies the activation (over dimension 1 for the softmaxes).</summary>
    public static Tensor Apply(this OutputActivation a, Tensor raw) => a switch
    {
        OutputActivation.Sigmoid => raw.sigmoid(),
        OutputActivation.Softmax => raw.softmax(1),
        OutputActivation.LogSoftmax => raw.log_softmax(1),
        _ => raw,
    };
}

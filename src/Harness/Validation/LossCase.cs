using CustomLosses.Catalog;
using static TorchSharp.torch;

namespace Harness.Validation;

/// <summary>
/// One set of inputs for a loss: the tensors passed to forward (float64 masters on the CPU; class
/// indices stay int64), the loss options, and which inputs take gradients.
/// The validator casts floating inputs to the dtype under test and moves them to the device.
/// </summary>
public sealed class LossCase
{
    /// <summary>Creates a case; <paramref name="differentiable"/> defaults to "every floating input".</summary>
    public LossCase(string label, LossOptions options, Tensor[] inputs, bool[]? differentiable = null,
        bool hard = false, bool smooth = true, nn.Reduction[]? reductions = null)
    {
        Label = label;
        Options = options;
        Inputs = inputs;
        Differentiable = differentiable ?? inputs.Select(t => t.is_floating_point()).ToArray();
        if (Differentiable.Length != inputs.Length)
            throw new ArgumentException($"Case '{label}': {Differentiable.Length} differentiable flags for {inputs.Length} inputs.");
        Hard = hard;
        Smooth = smooth;
        Reductions = reductions ?? [nn.Reduction.None, nn.Reduction.Mean, nn.Reduction.Sum];
    }

    /// <summary>What the case is, for reports ("random [8,5]", "logits ±1000").</summary>
    public string Label { get; }

    /// <summary>Options for the loss (reduction is set by the validator, per reduction tested).</summary>
    public LossOptions Options { get; }

    /// <summary>Forward inputs, in order. Floating inputs are float64.</summary>
    public Tensor[] Inputs { get; }

    /// <summary>Which inputs get gradients checked.</summary>
    public bool[] Differentiable { get; }

    /// <summary>An edge case (extreme magnitudes, clamped probabilities, ignored targets...).</summary>
    public bool Hard { get; }

    /// <summary>
    /// The loss is smooth within the finite-difference step around these inputs, so the central
    /// difference approximates the gradient. False for inputs on kinks or at clamping boundaries.
    /// </summary>
    public bool Smooth { get; }

    /// <summary>The reductions to test.</summary>
    public nn.Reduction[] Reductions { get; }

    /// <summary>Short case description with its options, for reports.</summary>
    public string Describe()
    {
        var opts = string.Join(", ", Options.Values.Select(kv => $"{kv.Key}={OptionSpec.FormatValue(kv.Value)}"));
        return opts.Length == 0 ? Label : $"{Label} ({opts})";
    }
}

using static TorchSharp.torch;

namespace Harness.Training;

/// <summary>What is applied to the model's raw output before the loss sees it.</summary>
public enum OutputActivation
{
    /// <summary>Raw scores (logits, regression values).</summary>
    None,
    /// <summary>Element-wise sigmoid (binary / multi-label probabilities).</summary>
    Sigmoid,
    /// <summary>Softmax over classes.</summary>
    Softmax,
    /// <summary>Log-softmax over classes.</summary>
    LogSoftmax,
}

/// <summary>Parsing and application of <see cref="OutputActivation"/>.</summary>
public static class OutputActivations
{
    /// <summary>The config spellings.</summary>
    public static readonly string[] Names = ["none", "sigmoid", "softmax", "log-softmax"];

    /// <summary>Parses a config value (case-insensitive).</summary>
    public static OutputActivation Parse(string value) => value.Trim().ToLowerInvariant() switch
    {
        "none" => OutputActivation.None,
        "sigmoid" => OutputActivation.Sigmoid,
        "softmax" => OutputActivation.Softmax,
        "log-softmax" => OutputActivation.LogSoftmax,
        _ => throw new ExperimentSetupException($"activation '{value}' is not valid: use {string.Join(", ", Names)}."),
    };

    /// <summary>The config spelling.</summary>
    public static string Name(this OutputActivation a) => Names[(int)a];

    /// <summary>Applies the activation (over dimension 1 for the softmaxes).</summary>
    public static Tensor Apply(this OutputActivation a, Tensor raw) => a switch
    {
        OutputActivation.Sigmoid => raw.sigmoid(),
        OutputActivation.Softmax => raw.softmax(1),
        OutputActivation.LogSoftmax => raw.log_softmax(1),
        _ => raw,
    };
}

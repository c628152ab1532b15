using CustomLosses;
using CustomLosses.Catalog;
using Harness.Config;
using Harness.Data;
using Harness.Losses;
using static TorchSharp.torch;

namespace Harness.Training;

/// <summary>
/// One loss entry of a config bound to a dataset: the loss module, the activation applied to the model output,
/// the target encoding, and the head size the model needs. Also turns raw outputs into predictions and into the
/// loss-independent yardstick (cross-entropy of the softmax for classification).
/// </summary>
public sealed class LossBinding
{
    LossBinding(string displayName, string lossName, bool builtIn, nn.Module<Tensor, Tensor, Tensor> module,
        OutputActivation activation, TargetEncodingKind encoding, int outputs, TaskKind task, int classCount)
    {
        DisplayName = displayName;
        LossName = lossName;
        IsBuiltIn = builtIn;
        Module = module;
        Activation = activation;
        Encoding = encoding;
        Outputs = outputs;
        Task = task;
        ClassCount = classCount;
    }

    /// <summary>Name in tables and run folders.</summary>
    public string DisplayName { get; }
    /// <summary>Registry name (without the builtin: prefix).</summary>
    public string LossName { get; }
    /// <summary>True for libtorch's own loss.</summary>
    public bool IsBuiltIn { get; }
    /// <summary>The loss as a config names it ("huber", "builtin:huber"), in registry spelling.</summary>
    public LossReference Reference => new(LossName, IsBuiltIn);
    /// <summary>The loss module.</summary>
    public nn.Module<Tensor, Tensor, Tensor> Module { get; }
    /// <summary>Applied to the raw model output before the loss.</summary>
    public OutputActivation Activation { get; }
    /// <summary>How targets are given to the loss.</summary>
    public TargetEncodingKind Encoding { get; }
    /// <summary>Model head size.</summary>
    public int Outputs { get; }
    /// <summary>Classification or regression.</summary>
    public TaskKind Task { get; }
    /// <summary>Classes (0 for regression).</summary>
    public int ClassCount { get; }

    /// <summary>
    /// Binds an entry to a dataset, choosing the activation and encoding the loss expects where the entry leaves
    /// them empty, and refusing combinations that cannot work (<see cref="LossFit"/>, with one message naming the entry and why).
    /// </summary>
    /// <param name="entry">The loss entry (validated or not).</param>
    /// <param name="task">The loaded dataset's task.</param>
    /// <param name="classCount">The loaded dataset's classes (0 for regression).</param>
    /// <param name="datasetName">The dataset's name for messages, or null.</param>
    public static LossBinding Create(LossEntryConfig entry, TaskKind task, int classCount, string? datasetName = null)
    {
        var reference = LossReference.Parse(entry.Loss);
        var display = string.IsNullOrWhiteSpace(entry.DisplayName) ? entry.Loss : entry.DisplayName;
        string Where() => $"loss '{display}'";
        bool regression = task == TaskKind.Regression;

        LossSpec spec;
        ResolvedLossOptions options;
        try
        {
            // A validated entry carries its options resolved (ConfigValidator); what only the data tells is its class count.
            var resolved = entry.ResolvedOptions ?? LossEntryOptions.Resolve(LossRegistry.Get(reference.Name), entry.Options, regression ? null : classCount);
            spec = resolved.Spec;
            options = resolved.ForClasses(regression ? null : classCount);
        }
        catch (LossOptionException e) { throw new ExperimentSetupException($"{Where()}: {e.Message}"); }
        var twin = reference.IsBuiltIn ? BuiltInTwins.For(spec.Name) : null;
        if (reference.IsBuiltIn && twin is not { OfferedForTraining: true })
            throw new ExperimentSetupException($"loss '{reference.Canonical}' is not available: " +
                                               $"built-ins exist for {string.Join(", ", BuiltInTwins.OfferedForTraining)}.");

        TargetEncodingKind? givenEncoding = string.IsNullOrWhiteSpace(entry.TargetEncoding) ? null
            : TargetEncodings.Find(entry.TargetEncoding) ?? throw new ExperimentSetupException(
                $"targetEncoding '{entry.TargetEncoding}' is not valid: use {string.Join(", ", TargetEncodings.Names)}.");
        OutputActivation? givenActivation = string.IsNullOrWhiteSpace(entry.Activation) ? null
            : OutputActivations.Find(entry.Activation) ?? throw new ExperimentSetupException(
                $"activation '{entry.Activation}' is not valid: use {string.Join(", ", OutputActivations.Names)}.");
        if (LossFit.Check(spec, reference.Canonical.ToString(), givenEncoding, regression, regression ? null : classCount, datasetName) is { } problem)
            throw new ExperimentSetupException($"{Where()}: {problem.Message}");
        var encoding = givenEncoding ?? LossFit.DefaultEncoding(spec, regression)!.Value;
        var activation = givenActivation ?? LossFit.DefaultActivation(spec);
        if (LossFit.CheckHead(encoding, activation, regression) is { } headProblem)
            throw new ExperimentSetupException($"{Where()}: {headProblem.Message}");

        var module = (nn.Module<Tensor, Tensor, Tensor>)(twin is null ? spec.Factory(options) : twin.Create(options));
        int outputs = regression || encoding.IsSingleOutput() ? 1 : classCount;
        return new LossBinding(display, spec.Name, reference.IsBuiltIn, module, activation, encoding, outputs, task, classCount);
    }

    /// <summary>Brings the raw model output to the shape the encoding implies ([N] for single-output heads).</summary>
    public Tensor Shape(Tensor raw) => Outputs == 1 ? raw.squeeze(-1) : raw;

    /// <summary>The loss of a batch: activation, then the loss module (non-scalar results are averaged).</summary>
    public Tensor Loss(Tensor raw, Tensor encodedTargets)
    {
        var loss = Module.call(Activation.Apply(Shape(raw)), encodedTargets);
        return loss.dim() == 0 ? loss : loss.mean();
    }

    /// <summary>Predicted class indices (int64 [N]) from raw outputs; a single unit predicts class 1 when positive.</summary>
    public Tensor PredictClasses(Tensor raw) =>
        Outputs == 1 ? Shape(raw).gt(CachedScalars.Of(0L)).to(ScalarType.Int64) : raw.argmax(1);   // a kept scalar: see CachedScalars

    /// <summary>Logits over classes for the yardstick cross-entropy: [N, C], or [0, z] for a single unit (sigmoid(z) = softmax([0, z])[1]).</summary>
    public Tensor ClassLogits(Tensor raw) =>
        Outputs == 1 ? stack([zeros_like(Shape(raw)), Shape(raw)], 1) : raw;
}

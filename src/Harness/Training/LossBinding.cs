using CustomLosses;
using CustomLosses.Catalog;
using Harness.Config;
using Harness.Data;
using TorchSharp;
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
    /// them empty, and refusing combinations that cannot work (with one message naming the entry and why).
    /// </summary>
    public static LossBinding Create(LossEntryConfig entry, TaskKind task, int classCount)
    {
        var builtIn = entry.Loss.StartsWith(BuiltInLossFactory.Prefix, StringComparison.OrdinalIgnoreCase);
        var name = builtIn ? entry.Loss[BuiltInLossFactory.Prefix.Length..] : entry.Loss;
        var display = string.IsNullOrWhiteSpace(entry.DisplayName) ? entry.Loss : entry.DisplayName;
        string Where() => $"loss '{display}'";

        LossSpec spec;
        ResolvedLossOptions options;
        try
        {
            spec = LossRegistry.Get(name);
            var given = LossOptions.Empty;
            foreach (var (key, value) in entry.Options) given = given.With(key, value);
            options = LossRegistry.Resolve(name, given, task == TaskKind.Classification ? classCount : null);
        }
        catch (LossOptionException e) { throw new ExperimentSetupException($"{Where()}: {e.Message}"); }

        if (spec.InputCount != 2)
            throw new ExperimentSetupException($"{Where()}: '{spec.Name}' takes {spec.InputCount} inputs (pairs or triplets); experiments train single-output-per-sample models and support two-input losses only.");

        var encoding = string.IsNullOrWhiteSpace(entry.TargetEncoding)
            ? DefaultEncoding(spec, task, classCount, Where)
            : TargetEncodings.Parse(entry.TargetEncoding);
        CheckEncoding(encoding, task, classCount, spec, Where);
        var activation = string.IsNullOrWhiteSpace(entry.Activation)
            ? DefaultActivation(spec)
            : OutputActivations.Parse(entry.Activation);
        if (task == TaskKind.Classification && encoding.IsSingleOutput() && activation is OutputActivation.Softmax or OutputActivation.LogSoftmax)
            throw new ExperimentSetupException($"{Where()}: {activation.Name()} over a single output unit is constant; use sigmoid or none with {encoding.Name()} targets.");

        var module = builtIn
            ? BuiltInLossFactory.Create(spec.Name, options)
            : (nn.Module<Tensor, Tensor, Tensor>)spec.Factory(options);
        int outputs = task == TaskKind.Regression || encoding.IsSingleOutput() ? 1 : classCount;
        return new LossBinding(display, spec.Name, builtIn, module, activation, encoding, outputs, task, classCount);
    }

    static TargetEncodingKind DefaultEncoding(LossSpec spec, TaskKind task, int classCount, Func<string> where)
    {
        if (task == TaskKind.Regression)
        {
            if (spec.Task is LossTask.MultiClass or LossTask.BinaryOrMultiLabel)
                throw new ExperimentSetupException($"{where()}: '{spec.Name}' is a {spec.Task} loss and the dataset is a regression task; use a regression loss.");
            return TargetEncodingKind.Real;
        }
        return spec.Target switch
        {
            TargetEncoding.ClassIndex or TargetEncoding.ClassIndexOrProbabilities => TargetEncodingKind.Index,
            TargetEncoding.Probabilities => TargetEncodingKind.OneHot,
            TargetEncoding.ClassIndexList => TargetEncodingKind.IndexList,
            TargetEncoding.ZeroOne => classCount == 2 ? TargetEncodingKind.ZeroOne : TargetEncodingKind.OneHot,
            TargetEncoding.PlusMinusOne => TargetEncodingKind.PlusMinusOne,
            _ => throw new ExperimentSetupException(
                $"{where()}: '{spec.Name}' expects {spec.Target} targets and the dataset has class labels; set targetEncoding " +
                "(for example \"one-hot\" with activation \"softmax\" for MSE on softmax against one-hot)."),
        };
    }

    static void CheckEncoding(TargetEncodingKind encoding, TaskKind task, int classCount, LossSpec spec, Func<string> where)
    {
        if (task == TaskKind.Regression && encoding != TargetEncodingKind.Real)
            throw new ExperimentSetupException($"{where()}: targetEncoding '{encoding.Name()}' needs class labels, and the dataset is a regression task; use 'real'.");
        if (task == TaskKind.Classification && encoding == TargetEncodingKind.Real)
            throw new ExperimentSetupException($"{where()}: targetEncoding 'real' needs a regression dataset; for class labels use one-hot, index, zero-one or plus-minus-one.");
        if (encoding.IsSingleOutput() && classCount != 2)
            throw new ExperimentSetupException($"{where()}: '{spec.Name}' with {encoding.Name()} targets is a binary loss, and the dataset has {classCount} classes; use a multi-class loss (multi-margin, crammer-singer) or a one-hot encoding.");
    }

    static OutputActivation DefaultActivation(LossSpec spec) => spec.ExpectedOutput switch
    {
        ModelOutput.Probabilities => spec.Task == LossTask.MultiClass ? OutputActivation.Softmax : OutputActivation.Sigmoid,
        ModelOutput.LogProbabilities => OutputActivation.LogSoftmax,
        _ => OutputActivation.None,
    };

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

using CustomLosses;
using CustomLosses.Catalog;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Validation;

/// <summary>
/// One case of one loss in one dtype, as <see cref="ParityValidator"/> runs it: the inputs cast and moved, the custom
/// loss built per reduction, and where findings and coverage go. The validator's comparisons and the property checks
/// (<c>Validation/Properties</c>) share it. Create it inside a dispose scope: its tensors live in that scope; the loss
/// modules it builds (whose option tensors live outside any scope) go when it is disposed.
/// </summary>
public sealed class CaseRun : IDisposable
{
    readonly Func<LossOptions, nn.Module> factory;
    readonly LossValidationResult result;
    readonly CoverageTally tally;
    readonly Dictionary<nn.Reduction, nn.Module> modules = [];
    readonly Dictionary<nn.Reduction, (double[], long[])> values = [];
    readonly List<nn.Module> fresh = [];

    /// <summary>Casts the case's floating inputs to <paramref name="dtype"/> and moves every input to <paramref name="device"/>.</summary>
    public CaseRun(LossCheck check, LossCase c, int index, ScalarType dtype, Device device, long seed,
        Func<LossOptions, nn.Module> factory, LossValidationResult result, CoverageTally tally)
    {
        Check = check;
        Case = c;
        Index = index;
        DType = dtype;
        Device = device;
        Seed = seed;
        this.factory = factory;
        this.result = result;
        this.tally = tally;
        Inputs = c.Inputs.Select(t => (t.is_floating_point() ? t.to(dtype) : t).to(device).contiguous()).ToArray();
        Host = Inputs.Select(HostArray.From).ToArray();
        InputSize = Inputs.Sum(t => t.numel());
        Spec = LossRegistry.Find(check.LossName);
    }

    /// <summary>Where findings go.</summary>
    public LossValidationResult Result => result;

    /// <summary>The check the case belongs to.</summary>
    public LossCheck Check { get; }

    /// <summary>The case.</summary>
    public LossCase Case { get; }

    /// <summary>Its position in the check's cases.</summary>
    public int Index { get; }

    /// <summary>The dtype under test.</summary>
    public ScalarType DType { get; }

    /// <summary>"float64" or "float32".</summary>
    public string DTypeName => DType == ScalarType.Float64 ? "float64" : "float32";

    /// <summary>The parity tolerance of <see cref="DType"/>.</summary>
    public Tolerance Tolerance => Tolerance.For(DType);

    /// <summary>The device.</summary>
    public Device Device { get; }

    /// <summary>The validator's seed, for the random directions and permutations a check draws.</summary>
    public long Seed { get; }

    /// <summary>The loss's registry entry (null only for a check whose loss is not registered).</summary>
    public LossSpec? Spec { get; }

    /// <summary>The inputs, cast and moved.</summary>
    public Tensor[] Inputs { get; }

    /// <summary>The inputs on the host in float64.</summary>
    public HostArray[] Host { get; }

    /// <summary>Total number of input elements.</summary>
    public long InputSize { get; }

    /// <summary>The custom loss with <paramref name="reduction"/> (built once per reduction), on the device.</summary>
    public nn.Module Module(nn.Reduction reduction)
    {
        if (!modules.TryGetValue(reduction, out var module))
        {
            module = factory(Case.Options.With("reduction", reduction.ToOptionString()));
            module.to(Device);
            modules[reduction] = module;
        }
        return module;
    }

    /// <summary>A fresh custom loss with <paramref name="reduction"/>, for inputs of another dtype (disposed with the run).</summary>
    public nn.Module FreshModule(nn.Reduction reduction)
    {
        var module = factory(Case.Options.With("reduction", reduction.ToOptionString()));
        module.to(Device);
        fresh.Add(module);
        return module;
    }

    /// <summary>Disposes the loss modules this run built.</summary>
    public void Dispose()
    {
        foreach (var module in modules.Values.Concat(fresh)) module.Dispose();
        modules.Clear();
        fresh.Clear();
    }

    /// <summary>
    /// The custom loss's values on <paramref name="inputs"/> without gradients, and their shape; on the case's own
    /// <see cref="Inputs"/> computed once per reduction, as several properties ask for them.
    /// </summary>
    public (double[] Values, long[] Shape) Values(IReadOnlyList<Tensor> inputs, nn.Reduction reduction)
    {
        if (ReferenceEquals(inputs, Inputs))
        {
            if (!values.TryGetValue(reduction, out var known)) values[reduction] = known = Evaluate(inputs, reduction);
            return known;
        }
        return Evaluate(inputs, reduction);
    }

    /// <summary>Keeps the values the validator's own forward gave on <see cref="Inputs"/>, so properties need not recompute them.</summary>
    public void Remember(nn.Reduction reduction, double[] values, long[] shape) => this.values[reduction] = (values, shape);

    (double[] Values, long[] Shape) Evaluate(IReadOnlyList<Tensor> inputs, nn.Reduction reduction)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var output = LossInvoker.Call(Module(reduction), inputs);
        return (HostArray.From(output).Data, output.shape);
    }

    /// <summary>A failure of the custom loss, found by <paramref name="check"/>.</summary>
    public void Fail(ValidationCheckKind check, nn.Reduction reduction, string quantity, double error, string detail) =>
        result.Failures.Add(Finding(FindingKind.Failure, check, reduction, quantity, error, detail));

    /// <summary>A defect of the built-in twin, found by <paramref name="check"/>.</summary>
    public void Defect(ValidationCheckKind check, nn.Reduction reduction, string quantity, double error, string detail) =>
        result.BuiltInDefects.Add(Finding(FindingKind.BuiltInDefect, check, reduction, quantity, error, detail));

    Finding Finding(FindingKind kind, ValidationCheckKind check, nn.Reduction reduction, string quantity, double error, string detail) =>
        new(Check.LossName, kind, DTypeName, Case.Describe(), reduction.ToOptionString(), quantity, error, detail, InputSize,
            kind == FindingKind.BuiltInDefect ? FormatInputs(Host) : null)
        { Check = check };

    /// <summary>The check ran on this case run.</summary>
    public void Applied(ValidationCheckKind check) => tally.Applied(check, Index, DTypeName);

    /// <summary>The check did not run on this case run, for <paramref name="reason"/>.</summary>
    public void Skipped(ValidationCheckKind check, string reason) => tally.Skipped(check, Index, DTypeName, reason);

    /// <summary>Something worth reporting about a run the check applied to.</summary>
    public void Note(ValidationCheckKind check, string note) => tally.Note(check, Index, DTypeName, note);

    static string FormatInputs(HostArray[] inputs) => string.Join("; ", inputs.Select((x, k) =>
        $"input {k} [{string.Join(",", x.Shape)}] = [" + string.Join(", ", x.Data.Take(12).Select(v => v.ToString("G6"))) +
        (x.Count > 12 ? ", ..." : "") + "]"));
}

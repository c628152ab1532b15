using System.Reflection;
using CustomLosses.Tests.ScalarTemporaries;
using Harness.Config;
using Harness.Models;
using Harness.Tests.Experiments;
using Harness.Training;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace Harness.Tests.ScalarTemporaries;

/// <summary>
/// What the analyzer cannot see: the TorchSharp methods a training step reaches through virtual calls (a layer's
/// <c>forward</c>, the optimizer's <c>step</c> and <c>zero_grad</c>, the schedule's <c>step</c>). Each must be the
/// harness's own (analyzed with its sources) or a TorchSharp method whose IL makes no temporary scalar, by the
/// analyzer's IL scan. Runs training side by side (--jobs) rest on it: a temporary freed by another run's garbage
/// collection inside a native call fails or corrupts that run.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public class TrainingStepScalarTests
{
    static readonly Assembly TorchSharp = typeof(Tensor).Assembly;

    /// <summary>Why a method makes a temporary scalar (the scan's call chain), or null: ours, or TorchSharp's without one.</summary>
    static string? Temporary(MethodBase method) =>
        method.DeclaringType?.Assembly == TorchSharp ? AnalyzedSources.TorchSharpScan.Reason(method.MetadataToken) : null;

    static MethodInfo Forward(Type module) =>
        module.GetMethod("forward", [typeof(Tensor)]) ?? throw new InvalidOperationException($"{module.Name} has no forward(Tensor)");

    [Fact]
    public void The_scan_sees_the_temporaries_of_TorchSharps_own_steps_and_layers()
    {
        // What the harness replaced: if these read as free, the scan (not the harness) stopped working.
        Assert.NotNull(Temporary(Forward(typeof(BatchNorm1d))));
        Assert.NotNull(Temporary(typeof(TorchSharp.Modules.SGD).GetMethod("step")!));
        Assert.NotNull(Temporary(typeof(TorchSharp.Modules.Adam).GetMethod("step")!));
        Assert.NotNull(Temporary(typeof(TorchSharp.Modules.RMSProp).GetMethod("step")!));
    }

    public static TheoryData<string, string, bool, double> Models()
    {
        var data = new TheoryData<string, string, bool, double>();
        foreach (var activation in ConfigVocabulary.ModelActivations)
        {
            data.Add("mlp", activation, false, 0);
            data.Add("mlp", activation, true, 0.2);
        }
        data.Add("linear", "relu", false, 0);
        data.Add("cnn", "relu", false, 0);
        return data;
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Every_layer_forward_is_free_of_temporary_scalars(string kind, string activation, bool batchNorm, double dropout)
    {
        var config = new ModelConfig { Kind = kind, Hidden = [8], Activation = activation, BatchNorm = batchNorm, Dropout = dropout };
        using var model = ModelFactory.Build(config, kind == "cnn" ? [1, 8, 8] : [12], 3, seed: 1);
        // Constructors too: a model is built while other runs train (under a lock that orders builds, not collections).
        var found = model.modules().Select(m => m.GetType()).Distinct()
            .SelectMany(t => t.GetConstructors(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance).Cast<MethodBase>()
                .Append(Forward(t)).Select(m => (Name: $"{t.Name}.{m.Name}", Why: Temporary(m))))
            .Where(f => f.Why != null).ToList();
        Assert.True(found.Count == 0, string.Join("; ", found.Select(f => $"{f.Name}: {f.Why}")));
    }

    [Fact]
    public void Every_optimizer_and_schedule_step_is_free_of_temporary_scalars()
    {
        using var parameter = new Parameter(zeros(4), requires_grad: true);
        var found = new List<string>();
        foreach (var name in ConfigVocabulary.Optimizers)
        {
            using var optimizer = OptimizerFactory.Create(new OptimizerConfig { Name = name, LearningRate = 0.1, Momentum = 0.9 }, [parameter]);
            foreach (var method in new[] { "step", "zero_grad" })
                if (Temporary(optimizer.GetType().GetMethod(method)!) is { } why) found.Add($"{name} {method}: {why}");
            foreach (var schedule in ConfigVocabulary.Schedules)
                if (OptimizerFactory.CreateSchedule(new ScheduleConfig { Name = schedule }, optimizer, 10) is { } s
                    && Temporary(s.GetType().GetMethod("step", Type.EmptyTypes)!) is { } why)
                    found.Add($"{schedule} schedule step: {why}");
        }
        Assert.True(found.Count == 0, string.Join("; ", found));
    }
}

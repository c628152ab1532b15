using CustomLosses.Tests.ScalarTemporaries;
using Harness.Acceleration;
using Harness.Config;
using Harness.Data;
using Harness.Tests.Experiments;
using Harness.Tests.Training;
using Harness.Training;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace Harness.Tests.Acceleration;

/// <summary>
/// The fused Adam/AdamW step is TorchSharp's step bit for bit (parameter, both moments, step count), through learning-rate
/// changes, weight decay of both kinds, a loaded state and a whole training run; it declines what it does not cover.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public class FusedAdamStepTests
{
    // Odd and over libtorch's 32,768-element grain: its kernels split across threads and leave a scalar tail.
    const int Length = 100_003;

    public static TheoryData<string, double> Optimizers => new()
    {
        { "adam", 0.0 },
        { "adam", 1e-2 },    // L2 decay folded into the gradient
        { "adamw", 1e-2 },   // decoupled decay of the parameter
        { "adamw", 0.0 },
    };

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Fused_steps_equal_TorchSharps_steps_bit_for_bit(string name, double weightDecay)
    {
        var config = new OptimizerConfig { Name = name, LearningRate = 3e-3, WeightDecay = weightDecay };
        using var start = randn([Length], generator: new Generator(5)).mul_(0.1);
        using var reference = new Parameter(start.clone(), requires_grad: true);
        using var flat = new Parameter(start.clone(), requires_grad: true);
        using var referenceOptimizer = OptimizerFactory.Create(config, [reference]);
        using var optimizer = OptimizerFactory.Create(config, [flat]);
        var fused = FusedAdamStep.TryCreate(optimizer, flat);
        Assert.NotNull(fused);

        var generator = new Generator(9);
        for (int step = 1; step <= 30; step++)
        {
            using var scope = NewDisposeScope();
            // A schedule's change of learning rate, and gradients of very different sizes (zeros among them).
            if (step == 16) foreach (var o in new[] { referenceOptimizer, optimizer }) o.ParamGroups.First().LearningRate = 7e-4;
            var g = randn([Length], generator: generator).mul_(step % 5 == 0 ? 1e-6 : 1e-2);
            g.masked_fill_(rand([Length], generator: generator).lt(0.02), 0f);
            reference.grad = g.clone();
            flat.grad = g.clone();
            referenceOptimizer.step();
            fused!.Step();
            AssertSameState(referenceOptimizer, reference, optimizer, flat, $"{name} (weight decay {weightDecay}) after step {step}");
        }
    }

    [Fact]
    public void A_loaded_state_is_stepped_from_where_it_was_saved()
    {
        var config = new OptimizerConfig { Name = "adam", LearningRate = 1e-2 };
        using var start = randn([Length], generator: new Generator(2));
        using var reference = new Parameter(start.clone(), requires_grad: true);
        using var flat = new Parameter(start.clone(), requires_grad: true);
        using var referenceOptimizer = OptimizerFactory.Create(config, [reference]);
        using var optimizer = OptimizerFactory.Create(config, [flat]);
        var fused = FusedAdamStep.TryCreate(optimizer, flat)!;
        var generator = new Generator(4);
        for (int step = 1; step <= 6; step++)
        {
            if (step == 4)
            {
                // Loading another optimizer's state replaces this one's moment tensors and step count. Outside a dispose
                // scope: TorchSharp creates the loaded tensors in the current one.
                using var donorParameter = new Parameter(reference.detach().clone(), requires_grad: true);
                using var donor = OptimizerFactory.Create(config, [donorParameter]);
                Stateful(donor).load_state_dict(Stateful(referenceOptimizer).state_dict());
                Stateful(optimizer).load_state_dict(Stateful(donor).state_dict());
                using var noGrad = no_grad();
                flat.copy_(reference);
            }
            using var scope = NewDisposeScope();
            var g = randn([Length], generator: generator).mul_(1e-2);
            reference.grad = g.clone();
            // Before the load, other gradients: had the fused step kept the replaced tensors, it would go on from its own state.
            flat.grad = step < 4 ? g.mul(3) : g.clone();
            referenceOptimizer.step();
            fused.Step();
        }
        AssertSameState(referenceOptimizer, reference, optimizer, flat, "after loading a state at step 4");
    }

    [Fact]
    public void Options_changed_after_the_probe_fall_back_to_TorchSharps_step()
    {
        var config = new OptimizerConfig { Name = "adam", LearningRate = 1e-2 };
        using var reference = new Parameter(ones(Length), requires_grad: true);
        using var flat = new Parameter(ones(Length), requires_grad: true);
        using var referenceOptimizer = OptimizerFactory.Create(config, [reference]);
        using var optimizer = OptimizerFactory.Create(config, [flat]);
        var fused = FusedAdamStep.TryCreate(optimizer, flat)!;
        foreach (var o in new[] { referenceOptimizer, optimizer })
            ((Adam.Options)((ParamGroup)o.ParamGroups.First()).Options).weight_decay = 0.5;
        using var g = randn([Length], generator: new Generator(1));
        reference.grad = g.clone();
        flat.grad = g.clone();
        referenceOptimizer.step();
        fused.Step();
        AssertSameState(referenceOptimizer, reference, optimizer, flat, "after weight decay was switched on");
    }

    [Fact]
    public void A_fused_step_leaves_no_finalizable_objects_where_TorchSharps_leaves_eight()
    {
        // Objects whose finalizer TorchSharp never suppresses feed gen-1 collections that pause training (docs/performance.md, "A related
        // cost"); a shape, item or dtype read added to the step would show here.
        // TorchSharp's own Adam (the harness's keeps its scalars, so it leaves fewer).
        using var flat = new Parameter(zeros(Length), requires_grad: true);
        flat.grad = ones(Length);
        using var optimizer = optim.Adam([flat], 1e-3);
        var fused = FusedAdamStep.TryCreate(optimizer, flat)!;
        double torchSharp = FinalizableObjects.PerCall(() => optimizer.step(), 200), own = FinalizableObjects.PerCall(fused.Step, 200);
        Assert.True(own < 0.5 && torchSharp > own, $"finalizable objects per step: fused {own}, TorchSharp's {torchSharp}");
    }

    [Fact]
    public void What_it_does_not_cover_gets_no_fused_step()
    {
        using var flat = new Parameter(zeros(64), requires_grad: true);
        using var other = new Parameter(zeros(64), requires_grad: true);
        using var sgd = optim.SGD([flat], 0.1);
        Assert.Null(FusedAdamStep.TryCreate(sgd, flat));
        using var amsgrad = optim.Adam([flat], 1e-3, amsgrad: true);
        Assert.Null(FusedAdamStep.TryCreate(amsgrad, flat));
        using var maximize = optim.Adam([flat], 1e-3, maximize: true);
        Assert.Null(FusedAdamStep.TryCreate(maximize, flat));
        using var two = optim.Adam([flat, other], 1e-3);
        Assert.Null(FusedAdamStep.TryCreate(two, flat));
        using var elsewhere = optim.Adam([other], 1e-3);
        Assert.Null(FusedAdamStep.TryCreate(elsewhere, flat));
        using var wide = new Parameter(zeros(64, dtype: ScalarType.Float64), requires_grad: true);
        using var wideAdam = optim.Adam([wide], 1e-3);
        Assert.Null(FusedAdamStep.TryCreate(wideAdam, wide));
    }

    [Fact]
    public void Training_with_the_fused_step_is_bit_identical_to_TorchSharps_step()
    {
        // A cosine schedule changes the learning rate every epoch; AdamW's decay and batch norm's parameters are stepped too.
        using var data = DatasetLoader.Load(new DatasetConfig { Name = "digits", ValidationFraction = 0.1 }, Environment.CurrentDirectory);
        var training = new TrainingConfig
        {
            Epochs = 3, BatchSize = 64, Optimizer = new OptimizerConfig { Name = "adamw", LearningRate = 1e-2, WeightDecay = 1e-2 },
            Schedule = new ScheduleConfig { Name = "cosine" },
        };
        var model = new ModelConfig { Kind = "mlp", Hidden = [32], BatchNorm = true };
        Assert.Equal(
            GatherComparison.Train(data, training, model, plainBatches: false, plainStepper: true),
            GatherComparison.Train(data, training, model, plainBatches: false));
    }

    static void AssertSameState(optim.Optimizer expectedOptimizer, Parameter expected, optim.Optimizer actualOptimizer, Parameter actual, string when)
    {
        var (es, esq, estep) = Moments(expectedOptimizer);
        var (s, sq, step) = Moments(actualOptimizer);
        Assert.Equal(estep, step);
        Assert.True(expected.bytes.SequenceEqual(actual.bytes), $"parameter differs {when}");
        Assert.True(es.bytes.SequenceEqual(s.bytes), $"first moment differs {when}");
        Assert.True(esq.bytes.SequenceEqual(sq.bytes), $"second moment differs {when}");
    }

    static OptimizerHelper Stateful(optim.Optimizer optimizer) => (OptimizerHelper)optimizer;

    static (Tensor ExpAvg, Tensor ExpAvgSq, long Step) Moments(optim.Optimizer optimizer) => Stateful(optimizer).state_dict().State[0] switch
    {
        Adam.State a => (a.exp_avg, a.exp_avg_sq, a.step),
        AdamW.State w => (w.exp_avg, w.exp_avg_sq, w.step),
        var other => throw new InvalidOperationException($"not an Adam state: {other.GetType().Name}"),
    };
}

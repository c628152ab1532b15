using CustomLosses.Tests.ScalarTemporaries;
using Harness.Config;
using Harness.Tests.Experiments;
using Harness.Training;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;
using Ours = Harness.Training.Optimizers;

namespace Harness.Tests.Training.Optimizers;

/// <summary>
/// The harness's optimizers (<see cref="Ours"/>) against TorchSharp's: the same parameters and state bit for bit after
/// several steps under every option the classes have, checkpoints that load into each other, and no temporary scalar
/// left for the garbage collector (what the classes exist for).
/// Runs alone (the collection disables parallel tests): the finalizable-object counts would include other tests' garbage.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public class KeptScalarOptimizerTests
{
    /// <summary>An optimizer built twice over equal parameters: TorchSharp's and ours.</summary>
    public static TheoryData<string> Cases => new(OptimizerCases.Keys);

    static readonly Dictionary<string, Func<IReadOnlyList<Parameter>, bool, optim.Optimizer>> OptimizerCases = new()
    {
        ["sgd"] = (p, own) => own ? new Ours.SGD(p, 0.1) : optim.SGD(p, 0.1),
        ["sgd momentum"] = (p, own) => own ? new Ours.SGD(p, 0.1, 0.9) : optim.SGD(p, 0.1, 0.9),
        ["sgd nesterov decay"] = (p, own) => own ? new Ours.SGD(p, 0.1, 0.9, 0, 0.01, true) : optim.SGD(p, 0.1, 0.9, 0, 0.01, true),
        ["sgd dampening maximize"] = (p, own) => own ? new Ours.SGD(p, 0.1, 0.8, 0.3, 0, false, true) : optim.SGD(p, 0.1, 0.8, 0.3, 0, false, true),
        ["rmsprop"] = (p, own) => own ? new Ours.RMSProp(p, 0.01) : optim.RMSProp(p, 0.01),
        ["rmsprop momentum decay"] = (p, own) => own ? new Ours.RMSProp(p, 0.01, weight_decay: 0.01, momentum: 0.9)
            : optim.RMSProp(p, 0.01, weight_decay: 0.01, momentum: 0.9),
        ["rmsprop centered maximize"] = (p, own) => own ? new Ours.RMSProp(p, 0.01, alpha: 0.9, centered: true, maximize: true)
            : optim.RMSProp(p, 0.01, alpha: 0.9, centered: true, maximize: true),
        ["rmsprop centered momentum"] = (p, own) => own ? new Ours.RMSProp(p, 0.01, momentum: 0.5, centered: true)
            : optim.RMSProp(p, 0.01, momentum: 0.5, centered: true),
        ["adam"] = (p, own) => own ? new Ours.Adam(p, 0.01) : optim.Adam(p, 0.01),
        ["adam decay amsgrad"] = (p, own) => own ? new Ours.Adam(p, 0.01, weight_decay: 0.1, amsgrad: true)
            : optim.Adam(p, 0.01, weight_decay: 0.1, amsgrad: true),
        ["adam maximize"] = (p, own) => own ? new Ours.Adam(p, 0.01, 0.8, 0.99, 1e-6, maximize: true) : optim.Adam(p, 0.01, 0.8, 0.99, 1e-6, maximize: true),
        ["adamw"] = (p, own) => own ? new Ours.AdamW(p, 0.01, weight_decay: 0.1) : optim.AdamW(p, 0.01, weight_decay: 0.1),
        ["adamw amsgrad maximize"] = (p, own) => own ? new Ours.AdamW(p, 0.01, weight_decay: 0.05, amsgrad: true, maximize: true)
            : optim.AdamW(p, 0.01, weight_decay: 0.05, amsgrad: true, maximize: true),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Steps_equal_TorchSharps_bit_for_bit(string name)
    {
        foreach (var dtype in new[] { ScalarType.Float32, ScalarType.Float64 })
        {
            using var scope = NewDisposeScope();
            var theirs = Parameters(dtype);
            var ours = Parameters(dtype);
            using var reference = OptimizerCases[name](theirs, false);
            using var optimizer = OptimizerCases[name](ours, true);
            var generator = new Generator(7);
            for (int step = 0; step < 6; step++)
            {
                // The third parameter has no gradient on odd steps (skipped, as TorchSharp skips it); the rate changes mid-way,
                // as a schedule changes it, once to zero.
                for (int i = 0; i < theirs.Count; i++)
                {
                    var g = i == 2 && step % 2 == 1 ? null : randn(theirs[i].shape, dtype: dtype, generator: generator);
                    theirs[i].grad = g?.clone();
                    ours[i].grad = g?.clone();
                }
                if (step == 3) SetRate(0.0, reference, optimizer);
                if (step == 4) SetRate(0.003, reference, optimizer);
                reference.step();
                optimizer.step();
                for (int i = 0; i < theirs.Count; i++)
                    Assert.True(Identical(theirs[i], ours[i]), $"{name} {dtype}: parameter {i} differs after step {step + 1}");
                Assert.Equal(StateBytes(reference), StateBytes(optimizer));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Checkpoints_load_into_TorchSharps_optimizer_and_back(string name)
    {
        using var scope = NewDisposeScope();
        var ours = Parameters(ScalarType.Float32);
        using var optimizer = OptimizerCases[name](ours, true);
        for (int step = 0; step < 2; step++)
        {
            foreach (var p in ours) p.grad = ones_like(p);
            optimizer.step();
        }
        var saved = StateBytes(optimizer);
        using var theirs = OptimizerCases[name](Parameters(ScalarType.Float32), false);
        using (var reader = new BinaryReader(new MemoryStream(saved))) ((OptimizerHelper)theirs).load_state_dict(reader);
        Assert.Equal(saved, StateBytes(theirs));
        using var again = OptimizerCases[name](Parameters(ScalarType.Float32), true);
        using (var reader = new BinaryReader(new MemoryStream(saved))) ((OptimizerHelper)again).load_state_dict(reader);
        Assert.Equal(saved, StateBytes(again));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_step_leaves_no_scalar_for_the_garbage_collector(string name)
    {
        // A temporary Scalar is an object with a finalizer that nobody disposed: it shows up as pending finalization.
        // TorchSharp's own steps leave one or more per parameter; a planted implicit conversion in ours would show here.
        using var scope = NewDisposeScope();
        var ours = Parameters(ScalarType.Float32);
        var theirs = Parameters(ScalarType.Float32);
        foreach (var p in ours.Concat(theirs)) p.grad = ones_like(p);
        using var optimizer = OptimizerCases[name](ours, true);
        using var reference = OptimizerCases[name](theirs, false);
        double own = FinalizableObjects.PerCall(() => optimizer.step()), torchSharp = FinalizableObjects.PerCall(() => reference.step());
        Assert.True(own < 0.5, $"{name}: {own} finalizable objects per step (TorchSharp's step: {torchSharp})");
        Assert.True(torchSharp >= 1, $"{name}: TorchSharp's step left {torchSharp} per step; the measurement may have stopped working");
    }

    [Fact]
    public void The_factory_builds_the_kept_scalar_optimizers()
    {
        var parameters = Parameters(ScalarType.Float32);
        foreach (var (config, type) in new (string, Type)[]
                 {
                     ("sgd", typeof(Ours.SGD)), ("adam", typeof(Ours.Adam)), ("adamw", typeof(Ours.AdamW)), ("rmsprop", typeof(Ours.RMSProp)),
                 })
        {
            using var optimizer = OptimizerFactory.Create(new OptimizerConfig { Name = config, LearningRate = 0.01 }, parameters);
            Assert.IsType(type, optimizer);
            // The checkpoint format names the type: it must stay TorchSharp's name.
            Assert.Equal(type.BaseType!.Name, optimizer.GetType().Name);
        }
    }

    static List<Parameter> Parameters(ScalarType dtype)
    {
        var generator = new Generator(3);
        return
        [
            new Parameter(randn([5, 4], dtype: dtype, generator: generator), requires_grad: true),
            new Parameter(randn([4], dtype: dtype, generator: generator), requires_grad: true),
            new Parameter(randn([3, 2], dtype: dtype, generator: generator), requires_grad: true),
        ];
    }

    static void SetRate(double rate, params optim.Optimizer[] optimizers)
    {
        foreach (var o in optimizers)
            foreach (var group in o.ParamGroups)
                group.LearningRate = rate;
    }

    static byte[] StateBytes(optim.Optimizer optimizer)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true)) ((OptimizerHelper)optimizer).save_state_dict(writer);
        return stream.ToArray();
    }

    static bool Identical(Tensor a, Tensor b) => a.bytes.SequenceEqual(b.bytes);
}

using Harness.Config;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Harness.Training;

/// <summary>
/// Owns the optimizer over a model's parameters and takes its steps: <c>zero_grad</c> before a step's forward, a step
/// after its backward. The plain stepper is <see cref="OptimizerStepper"/>; a faster one (see
/// <see cref="ITrainingPaths.Stepper"/>) must update the model bit for bit as it would.
/// </summary>
public interface IParameterStepper : IDisposable
{
    /// <summary>The optimizer (for the learning-rate schedule, and its state in checkpoints).</summary>
    optim.Optimizer Optimizer { get; }

    /// <summary>The parameters the optimizer steps, whose gradients are the model's (what gradient norms and clipping read).</summary>
    IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>Zeroes the gradients.</summary>
    void ZeroGrad();

    /// <summary>One optimizer step.</summary>
    void Step();

    /// <summary>Called after every epoch's steps: throws when the stepper no longer steps what the model reads.</summary>
    void EndEpoch();
}

/// <summary>The plain stepper: the configured TorchSharp optimizer over <c>model.parameters()</c>, <c>optimizer.step()</c>.</summary>
public sealed class OptimizerStepper : IParameterStepper
{
    /// <summary>Makes the optimizer <paramref name="config"/> names over <paramref name="model"/>'s parameters.</summary>
    public OptimizerStepper(nn.Module model, OptimizerConfig config) : this(model, parameters => OptimizerFactory.Create(config, parameters))
    {
    }

    /// <summary>Makes the optimizer <paramref name="create"/> builds over <paramref name="model"/>'s parameters (benchmarks compare others).</summary>
    public OptimizerStepper(nn.Module model, Func<IReadOnlyList<Parameter>, optim.Optimizer> create)
    {
        Parameters = model.parameters().ToList();
        Optimizer = create(Parameters);
    }

    /// <inheritdoc />
    public optim.Optimizer Optimizer { get; }

    /// <inheritdoc />
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <inheritdoc />
    public void ZeroGrad() => Optimizer.zero_grad();

    /// <inheritdoc />
    public void Step() => Optimizer.step();

    /// <inheritdoc />
    public void EndEpoch() { }

    /// <inheritdoc />
    public void Dispose() => Optimizer.Dispose();
}

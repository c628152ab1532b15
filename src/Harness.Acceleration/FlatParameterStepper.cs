using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Harness.Acceleration;

/// <summary>
/// Steps a model's parameters as one flat buffer (<see cref="ContiguousParameters"/>): one optimizer over
/// <see cref="ContiguousParameters.Flat"/>, stepped by <see cref="FusedAdamStep"/> where that applies and by the
/// optimizer's own <c>step()</c> otherwise. Bit-identical to an optimizer over the model's parameters one by one.
/// </summary>
public sealed class FlatParameterStepper : IDisposable
{
    readonly ContiguousParameters contiguous;
    readonly FusedAdamStep? fused;

    FlatParameterStepper(ContiguousParameters contiguous, optim.Optimizer optimizer, FusedAdamStep? fused)
    {
        this.contiguous = contiguous;
        Optimizer = optimizer;
        this.fused = fused;
        Parameters = [contiguous.Flat];
    }

    /// <summary>
    /// Moves <paramref name="model"/>'s parameters into one buffer and makes the optimizer over it with
    /// <paramref name="createOptimizer"/>; null (the model untouched) when they cannot share one
    /// (<see cref="ContiguousParameters.TryCreate"/>). <paramref name="fusedStep"/> false keeps <c>optimizer.step()</c>.
    /// </summary>
    public static FlatParameterStepper? TryCreate(nn.Module model, Func<IReadOnlyList<Parameter>, optim.Optimizer> createOptimizer, bool fusedStep = true)
    {
        var contiguous = ContiguousParameters.TryCreate(model);
        if (contiguous is null) return null;
        var optimizer = createOptimizer([contiguous.Flat]);
        // Adam and AdamW over the flat buffer step in two SIMD passes, bit-identical to optimizer.step() (see FusedAdamStep).
        var fused = fusedStep ? FusedAdamStep.TryCreate(optimizer, contiguous.Flat) : null;
        return new FlatParameterStepper(contiguous, optimizer, fused);
    }

    /// <summary>The optimizer (over the one flat parameter).</summary>
    public optim.Optimizer Optimizer { get; }

    /// <summary>The one flat parameter, whose gradient is every parameter's.</summary>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>Whether steps go through <see cref="FusedAdamStep"/>.</summary>
    public bool Fused => fused != null;

    /// <summary>Zeroes the flat gradient (one kernel).</summary>
    public void ZeroGrad() => Optimizer.zero_grad();

    /// <summary>One optimizer step.</summary>
    public void Step()
    {
        if (fused is null) Optimizer.step();
        else fused.Step();
    }

    /// <summary>Throws when a parameter left the flat buffer (see <see cref="ContiguousParameters.EnsureIntact"/>).</summary>
    public void EnsureIntact() => contiguous.EnsureIntact();

    /// <inheritdoc />
    public void Dispose()
    {
        Optimizer.Dispose();
        contiguous.Dispose();
    }
}

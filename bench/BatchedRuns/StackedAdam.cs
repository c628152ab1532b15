using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// Adam for every run of a stack at once, over the [K, P] parameter and gradient buffers: TorchSharp's Adam step
/// (mul_, add_, mul_, addcmul_, sqrt, div, add_, then <c>p + (-lr / bc1) m / denom</c>) with the step size a [K, 1]
/// tensor, so each run keeps its own learning rate and bias correction. The constants are the double scalars
/// TorchSharp passes (libtorch rounds them to float32 the same way); the per-run step size is rounded to float32 on the
/// host, as libtorch rounds addcdiv_'s value.
/// </summary>
sealed class StackedAdam : IDisposable
{
    const double Beta1 = 0.9, Beta2 = 0.999, Eps = 1e-8;
    static readonly Scalar CachedBeta1 = Beta1, CachedOneMinusBeta1 = 1 - Beta1, CachedBeta2 = Beta2, CachedOneMinusBeta2 = 1 - Beta2, CachedEps = Eps;

    readonly StackedParameters parameters;
    readonly double[] learningRates;
    readonly long[] steps;
    readonly Tensor expAvg, expAvgSq;
    readonly float[] stepSizes;

    public StackedAdam(StackedParameters parameters, IReadOnlyList<double> learningRates)
    {
        this.parameters = parameters;
        this.learningRates = [.. learningRates];
        steps = new long[learningRates.Count];
        stepSizes = new float[learningRates.Count];
        expAvg = zeros_like(parameters.Values).DetachFromDisposeScope();
        expAvgSq = zeros_like(parameters.Values).DetachFromDisposeScope();
    }

    public void ZeroGrad() => parameters.Gradient.zero_();

    /// <summary>One step of every run (a run's bias correction follows its own step count).</summary>
    public void Step()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var g = parameters.Gradient;
        expAvg.mul_(CachedBeta1).add_(g, alpha: CachedOneMinusBeta1);
        expAvgSq.mul_(CachedBeta2).addcmul_(g, g, value: CachedOneMinusBeta2);
        // Every run steps together, so the runs share bc2; its square root is one scalar.
        for (int k = 0; k < steps.Length; k++) steps[k]++;
        double bc2 = 1 - Math.Pow(Beta2, steps[0]);
        using var sqrtBc2 = ((Scalar)Math.Sqrt(bc2));
        var denom = expAvgSq.sqrt().div_(sqrtBc2).add_(CachedEps);
        for (int k = 0; k < steps.Length; k++)
            stepSizes[k] = (float)(-(learningRates[k] / (1 - Math.Pow(Beta1, steps[k]))));
        var stepSize = tensor(stepSizes).reshape(steps.Length, 1);
        parameters.Values.add_(stepSize.mul(expAvg).div_(denom));
    }

    public void Dispose()
    {
        expAvg.Dispose();
        expAvgSq.Dispose();
    }
}

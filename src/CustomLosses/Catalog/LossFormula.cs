using static TorchSharp.torch;

namespace CustomLosses.Catalog;

/// <summary>
/// A loss computed independently in float64 with plain loops, following its definition: per-element (or per-sample)
/// values for reduction none, one value for mean and sum. Validation compares a loss module with it, so it must not
/// call the module or the tensor operations the module uses.
/// </summary>
/// <param name="inputs">The forward inputs in order (float64 copies; class indices as whole numbers).</param>
/// <param name="options">The options the module was built with (every option resolved, defaults included).</param>
/// <param name="reduction">The reduction to apply.</param>
public delegate double[] LossFormula(IReadOnlyList<HostArray> inputs, ResolvedLossOptions options, nn.Reduction reduction);

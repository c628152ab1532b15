using static TorchSharp.torch;

namespace CustomLosses;

/// <summary>
/// Base of every two-input loss in this library: <c>forward(input, target)</c> returns the loss
/// reduced as <see cref="Reduction"/> says (none: per-sample or per-element values; mean; sum).
/// </summary>
/// <remarks>
/// Derives from <c>nn.Module</c> rather than TorchSharp's <c>Loss&lt;&gt;</c> so that tensors a loss
/// holds (class weights) are registered buffers and move with <c>.to(device, dtype)</c>; TorchSharp's
/// own weighted losses do not move their weight.
/// </remarks>
public abstract class CustomLoss : nn.Module<Tensor, Tensor, Tensor>
{
    /// <summary>Creates the loss with the given reduction.</summary>
    protected CustomLoss(string name, nn.Reduction reduction) : base(name) => Reduction = reduction;

    /// <summary>How per-element losses are combined: none, mean or sum.</summary>
    public nn.Reduction Reduction { get; }

    /// <summary>Applies <see cref="Reduction"/> to a tensor of per-element losses.</summary>
    protected Tensor Reduce(Tensor perElement) => perElement.Reduce(Reduction);
}

/// <summary>
/// Base of the three-input losses (<c>GaussianNLL(input, target, variance)</c>,
/// <c>MarginRanking(x1, x2, y)</c>, <c>CosineEmbedding(x1, x2, y)</c>, <c>TripletMargin(a, p, n)</c>).
/// </summary>
public abstract class CustomLoss3 : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    /// <summary>Creates the loss with the given reduction.</summary>
    protected CustomLoss3(string name, nn.Reduction reduction) : base(name) => Reduction = reduction;

    /// <summary>How per-element losses are combined: none, mean or sum.</summary>
    public nn.Reduction Reduction { get; }

    /// <summary>Applies <see cref="Reduction"/> to a tensor of per-element losses.</summary>
    protected Tensor Reduce(Tensor perElement) => perElement.Reduce(Reduction);
}

/// <summary>The reduction step shared by all losses.</summary>
public static class ReductionExtensions
{
    /// <summary>
    /// none returns the tensor itself (callers that return it must not hand back an input alias);
    /// mean and sum reduce over every element, as PyTorch's losses do.
    /// </summary>
    public static Tensor Reduce(this Tensor perElement, nn.Reduction reduction) => reduction switch
    {
        nn.Reduction.None => perElement,
        nn.Reduction.Mean => perElement.mean(),
        nn.Reduction.Sum => perElement.sum(),
        _ => throw new ArgumentOutOfRangeException(nameof(reduction), reduction, "reduction must be none, mean or sum."),
    };

    /// <summary>The option spelling of a reduction: "none", "mean" or "sum".</summary>
    public static string ToOptionString(this nn.Reduction reduction) => reduction.ToString().ToLowerInvariant();
}

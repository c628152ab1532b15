using static CustomLosses.KeptMath;
using static TorchSharp.torch;

namespace CustomLosses.MultiClass;

/// <summary>
/// Input checks and small tensor helpers shared by the robust multi-class losses (focal, gce,
/// mae-prob, sce, poly1): logits of shape [N, C] and int64 class-index targets of shape [N].
/// </summary>
internal static class ClassIndexLogits
{
    /// <summary>Throws an <see cref="ArgumentException"/> naming the loss when the shapes, dtypes or class indices do not fit.</summary>
    public static void Check(string loss, Tensor input, Tensor target)
    {
        if (input.dim() != 2)
            throw new ArgumentException($"{loss}: input must be logits of shape [N, C]; got shape {Format(input.shape)}.");
        if (!input.is_floating_point())
            throw new ArgumentException($"{loss}: input must be floating-point logits; got {input.dtype}.");
        if (input.size(1) < 1)
            throw new ArgumentException($"{loss}: input has no classes (shape {Format(input.shape)}).");
        if (target.dim() != 1)
            throw new ArgumentException($"{loss}: target must be class indices of shape [N]; got shape {Format(target.shape)}.");
        if (target.dtype != ScalarType.Int64)
            throw new ArgumentException($"{loss}: target must hold int64 class indices; got {target.dtype}.");
        if (target.size(0) != input.size(0))
            throw new ArgumentException($"{loss}: target has {target.shape[0]} rows but input has {input.shape[0]}.");
        if (target.numel() > 0)
        {
            long classes = input.size(1);
            long min = HostValue.Read<long>(target.min()), max = HostValue.Read<long>(target.max());
            if (min < 0 || max >= classes)
                throw new ArgumentException(
                    $"{loss}: target holds class index {(min < 0 ? min : max)}, outside [0, {classes - 1}] for {classes} classes.");
        }
    }

    /// <summary>The true class's entry of each row: <c>t[i, y_i]</c>, shape [N].</summary>
    public static Tensor AtTarget(Tensor rows, Tensor target) =>
        rows.gather(1, target.to(rows.device).unsqueeze(1)).squeeze(1);

    /// <summary>Boolean one-hot mask of the targets, shape [N, C], on <paramref name="like"/>'s device.</summary>
    public static Tensor OneHotMask(Tensor target, Tensor like) =>
        target.to(like.device).unsqueeze(1).eq(Arange(like.size(1), ScalarType.Int64, like.device));

    static string Format(long[] shape) => "[" + string.Join(", ", shape) + "]";
}

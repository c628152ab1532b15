using static TorchSharp.torch;

namespace CustomLosses;

/// <summary>
/// Shape questions answered without reading <c>Tensor.shape</c>: TorchSharp 0.107 builds that array through a
/// <c>PinnedArray</c> whose finalizer is never suppressed, so every read leaves a finalizable object for the GC to
/// promote and the finalizer thread to run. In a training loop that was 11 of the 18 such objects one cross-entropy
/// step made, and the gen-1 collections they caused paused training 20-40 ms every few epochs. <c>dim()</c> and
/// <c>size(d)</c> return plain numbers. Hot paths use these; error messages may still format <c>shape</c>.
/// </summary>
public static class TensorShape
{
    /// <summary>Whether <paramref name="a"/> and <paramref name="b"/> have the same shape.</summary>
    public static bool Same(Tensor a, Tensor b)
    {
        long rank = a.dim();
        if (rank != b.dim()) return false;
        for (int d = 0; d < rank; d++)
            if (a.size(d) != b.size(d)) return false;
        return true;
    }

    /// <summary>Whether <paramref name="target"/>'s shape is <paramref name="input"/>'s without dimension <paramref name="removed"/>.</summary>
    public static bool SameWithout(Tensor input, int removed, Tensor target)
    {
        long rank = input.dim();
        if (target.dim() != rank - 1) return false;
        for (int d = 0, t = 0; d < rank; d++)
        {
            if (d == removed) continue;
            if (input.size(d) != target.size(t++)) return false;
        }
        return true;
    }
}

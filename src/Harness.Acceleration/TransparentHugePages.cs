using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Acceleration;

/// <summary>
/// CPU copies of a tensor in memory that Linux backs with 2 MB transparent huge pages: the copy is allocated by
/// libtorch (64-byte aligned, as every tensor the harness trains on), advised with <c>madvise(MADV_HUGEPAGE)</c>
/// before its first byte is written, then filled. Advice only: the bytes are the source's, and where the kernel says
/// no (THP set to "never", another OS) the copy is an ordinary one.
/// </summary>
/// <remarks>
/// Why: a shuffled mini-batch reads rows scattered over the whole training set, and with 4 KB pages nearly every row
/// costs a TLB miss and a page walk on top of its cache miss. On the Fashion-MNIST MLP (188 MB of features, 2 threads)
/// huge pages took the batch gather from 25 ms to 16 ms of a 0.7 s epoch (same process, alternating epochs). libtorch
/// never advises, and Debian's default THP mode is "madvise", so without this there are none. The price is paid once:
/// the huge-page faults made the 188 MB copy take 0.3 s instead of 0.05 s on this machine (collapsing the pages after
/// an ordinary copy, MADV_COLLAPSE, took 0.65 s); 10-epoch studies train hundreds of epochs on one copy. Validation and
/// test splits are read in order, where huge pages change nothing measurable, so only the training features get this.
/// </remarks>
public static partial class TransparentHugePages
{
    const long HugePage = 2 << 20;
    const int MadviseHugePage = 14;

    /// <summary>
    /// A contiguous CPU copy of <paramref name="source"/> (which may live on any device), huge-page backed where the
    /// kernel agrees and the tensor spans at least two huge pages.
    /// </summary>
    public static Tensor Copy(Tensor source)
    {
        var copy = empty(source.shape, source.dtype, CPU).DetachFromDisposeScope();
        Advise(copy);
        using (no_grad()) copy.copy_(source);
        return copy;
    }

    /// <summary>
    /// Advises huge pages for the 2 MB-aligned part of <paramref name="tensor"/>'s memory; returns whether the kernel
    /// accepted (pages already written keep their size until khugepaged gets to them: advise before writing).
    /// </summary>
    public static unsafe bool Advise(Tensor tensor)
    {
        if (!OperatingSystem.IsLinux() || tensor.device_type != DeviceType.CPU || !tensor.is_contiguous() || tensor.dim() == 0) return false;
        long bytes = TensorMemory.Bytes(tensor);
        if (bytes < 2 * HugePage) return false;
        long first = (long)TensorMemory.Start(tensor);
        long start = (first + HugePage - 1) & ~(HugePage - 1), end = (first + bytes) & ~(HugePage - 1);
        if (end <= start) return false;
        try
        {
            return madvise((nint)start, (nuint)(end - start), MadviseHugePage) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int madvise(nint address, nuint length, int advice);
}

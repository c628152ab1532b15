using System.Runtime.InteropServices;

namespace LossKernels;

/// <summary>
/// Pins glibc malloc's trim and mmap thresholds so that freed tensor buffers stay in the process.
/// </summary>
/// <remarks>
/// libtorch's CPU allocator takes every buffer from glibc malloc. By default glibc hands memory back to the kernel
/// whenever the free space at the top of the heap exceeds its (adaptive) trim threshold, and the next buffer of that
/// size is then faulted in again page by page, zeroed by the kernel. Alternating two losses, as the paired
/// measurement does, sets that off on nearly every call: about 900,000 page faults in a 6 s run, every call 4x slower
/// and its time spread wide, which says more about glibc than about either kernel (a training loop repeats one pattern,
/// the thresholds settle, and the Fashion-MNIST MLP's steady-state epochs showed no page faults). Pinning the
/// thresholds is what the MALLOC_TRIM_THRESHOLD_, MALLOC_TOP_PAD_ and MALLOC_MMAP_THRESHOLD_ environment variables do.
/// </remarks>
public static class GlibcAllocator
{
    const int TrimThreshold = -1, TopPad = -2, MmapThreshold = -3;   // M_TRIM_THRESHOLD, M_TOP_PAD, M_MMAP_THRESHOLD in malloc.h

    [DllImport("libc", EntryPoint = "mallopt")]
    static extern int MallOpt(int parameter, int value);

    /// <summary>
    /// Keeps freed memory (up to 1 GiB at the heap top), pads the heap by 64 MiB, and serves buffers under 32 MiB from
    /// the heap. False where glibc is absent.
    /// </summary>
    public static bool KeepFreedMemory()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            return MallOpt(TrimThreshold, 1 << 30) == 1 && MallOpt(TopPad, 64 << 20) == 1 && MallOpt(MmapThreshold, 32 << 20) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    /// <summary>Minor page faults of this process so far (from /proc/self/stat), or -1 where unavailable.</summary>
    public static long MinorFaults()
    {
        try
        {
            var stat = File.ReadAllText("/proc/self/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[7], System.Globalization.CultureInfo.InvariantCulture);   // field 10 (minflt); fields[0] is field 3
        }
        catch (IOException) { return -1; }
    }
}

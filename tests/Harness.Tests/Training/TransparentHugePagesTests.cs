using Harness.Training;
using Xunit;
using static TorchSharp.torch;

namespace Harness.Tests.Training;

/// <summary>Huge-page advice keeps a tensor's bytes, is accepted where the kernel allows THP, and skips what it cannot help.</summary>
public class TransparentHugePagesTests
{
    static bool KernelOffersHugePages =>
        OperatingSystem.IsLinux() && File.Exists("/sys/kernel/mm/transparent_hugepage/enabled")
        && !File.ReadAllText("/sys/kernel/mm/transparent_hugepage/enabled").Contains("[never]");

    [Fact]
    public void Advice_keeps_the_bytes_and_is_accepted_where_the_kernel_offers_huge_pages()
    {
        using var t = arange(0, 3 << 20, dtype: ScalarType.Float32).reshape(-1, 1024);   // 12 MB
        using var expected = t.clone();
        var accepted = TransparentHugePages.Advise(t);
        Assert.Equal(KernelOffersHugePages, accepted);
        Assert.True(t.bytes.SequenceEqual(expected.bytes));
    }

    [Fact]
    public void Small_and_non_contiguous_tensors_are_left_alone()
    {
        using var small = zeros(1000, 1000);   // 4 MB: under two huge pages
        Assert.False(TransparentHugePages.Advise(small));
        using var big = zeros(2000, 2000);
        using var transposed = big.t();
        Assert.False(TransparentHugePages.Advise(transposed));
    }
}

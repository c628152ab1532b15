using Harness.Acceleration;
using Xunit;
using static TorchSharp.torch;

namespace Harness.Tests.Acceleration;

/// <summary>The huge-page copy keeps the bytes, dtype and shape, and the advice is accepted where the kernel offers THP.</summary>
public class TransparentHugePagesTests
{
    static bool KernelOffersHugePages =>
        OperatingSystem.IsLinux() && File.Exists("/sys/kernel/mm/transparent_hugepage/enabled")
        && !File.ReadAllText("/sys/kernel/mm/transparent_hugepage/enabled").Contains("[never]");

    [Theory]
    [InlineData(3072, 1024)]   // 12 MB: advised
    [InlineData(1000, 1000)]   // 4 MB: under two huge pages, an ordinary copy
    public void The_copy_holds_the_source_bytes(int rows, int columns)
    {
        using var source = randn(rows, columns, dtype: ScalarType.Float32);
        using var copy = TransparentHugePages.Copy(source);
        Assert.Equal(source.shape, copy.shape);
        Assert.Equal(source.dtype, copy.dtype);
        Assert.True(copy.is_contiguous());
        Assert.True(source.bytes.SequenceEqual(copy.bytes));
    }

    [Fact]
    public void Advice_is_accepted_where_the_kernel_offers_huge_pages_and_skipped_where_it_cannot_help()
    {
        using var big = empty(3 << 20, dtype: ScalarType.Float32);   // 12 MB
        Assert.Equal(KernelOffersHugePages, TransparentHugePages.Advise(big));
        using var small = empty(1000, 1000);                          // 4 MB: under two huge pages
        Assert.False(TransparentHugePages.Advise(small));
        using var square = empty(2000, 2000);
        using var transposed = square.t();
        Assert.False(TransparentHugePages.Advise(transposed));
    }
}

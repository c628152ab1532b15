using System.Buffers.Binary;
using System.IO.Compression;
using Harness.Data;
using Xunit;
using static Harness.Tests.Data.DataTestSupport;

namespace Harness.Tests.Data;

public class IdxReaderTests
{
    static byte[] Images(int count, int rows, int cols, int magic = IdxReader.ImagesMagic, int dropBytes = 0)
    {
        var bytes = new byte[16 + count * rows * cols];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(12), cols);
        for (int i = 16; i < bytes.Length; i++) bytes[i] = (byte)((i * 7) % 256);
        return bytes[..^dropBytes];
    }

    static byte[] Labels(params byte[] labels)
    {
        var bytes = new byte[8 + labels.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, IdxReader.LabelsMagic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), labels.Length);
        labels.CopyTo(bytes, 8);
        return bytes;
    }

    static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Fastest)) gz.Write(data);
        return output.ToArray();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reads_images_and_labels_plain_or_gzipped(bool gzip)
    {
        using var dir = new TempFolder();
        var raw = Images(3, 4, 5);
        var images = dir.Write("img" + (gzip ? ".gz" : ""), gzip ? Gzip(raw) : raw);
        var labels = dir.Write("lbl" + (gzip ? ".gz" : ""), gzip ? Gzip(Labels(1, 2, 9)) : Labels(1, 2, 9));
        var read = IdxReader.ReadImages(images);
        Assert.Equal((3, 4, 5), (read.Count, read.Rows, read.Columns));
        Assert.Equal(raw[16..], read.Pixels);
        Assert.Equal(new byte[] { 1, 2, 9 }, IdxReader.ReadLabels(labels));
    }

    [Fact]
    public void Wrong_magic_names_the_file_and_both_numbers()
    {
        using var dir = new TempFolder();
        var path = dir.Write("x", Images(2, 2, 2, magic: 0x00000804));
        ThrowsData(() => IdxReader.ReadImages(path), path, "wrong magic number", "0x00000804", "0x00000803");
        var labels = dir.Write("labels-as-images", Labels(1, 2));
        ThrowsData(() => IdxReader.ReadImages(labels), labels, "0x00000801", "swapped");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Truncated_files_are_reported_with_the_sizes(bool gzip)
    {
        using var dir = new TempFolder();
        var raw = Images(3, 4, 5, dropBytes: 7);
        var path = dir.Write("short", gzip ? Gzip(raw) : raw);
        ThrowsData(() => IdxReader.ReadImages(path), path, "truncated", "60 bytes", "53");
        var header = dir.Write("header", raw[..10]);
        ThrowsData(() => IdxReader.ReadImages(header), header, "truncated", "header");
    }

    [Fact]
    public void Broken_gzip_is_reported()
    {
        using var dir = new TempFolder();
        var gz = Gzip(Images(20, 8, 8));
        for (int i = 20; i < gz.Length - 8; i++) gz[i] ^= 0x5A; // damage the deflate stream
        var path = dir.Write("broken.gz", gz);
        var e = Assert.Throws<DataException>(() => IdxReader.ReadImages(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("gzip", e.Message); // whichever check trips first, the message points at the gzip data

        var cut = dir.Write("cut.gz", Gzip(Images(20, 8, 8))[..40]);
        var e2 = Assert.Throws<DataException>(() => IdxReader.ReadImages(cut));
        Assert.Contains(cut, e2.Message);
        Assert.True(e2.Message.Contains("gzip") || e2.Message.Contains("truncated"), e2.Message);

        // Damage only the payload: the header reads fine, the gzip CRC check catches it.
        var raw = Images(20, 8, 8);
        var good = Gzip(raw);
        var payloadOnly = (byte[])good.Clone();
        payloadOnly[good.Length - 12] ^= 0xFF; // inside the deflate data, near its end
        var late = dir.Write("late.gz", payloadOnly);
        var e3 = Assert.Throws<DataException>(() => IdxReader.ReadImages(late));
        Assert.Contains(late, e3.Message);
    }

    [Fact]
    public void Missing_files_and_label_count_mismatch_are_data_errors()
    {
        using var dir = new TempFolder();
        ThrowsData(() => IdxReader.ReadLabels(Path.Combine(dir.Path, "nope")), "nope", "not found");

        dir.Write("train-images-idx3-ubyte", Images(3, 4, 4));
        dir.Write("train-labels-idx1-ubyte.gz", Gzip(Labels(1, 2)));
        dir.Write("t10k-images-idx3-ubyte", Images(2, 4, 4));
        dir.Write("t10k-labels-idx1-ubyte", Labels(3, 4));
        var config = new DatasetConfig { Name = "mnist", Root = dir.Path };
        ThrowsData(() => DatasetLoader.Load(config, "."), "train-labels-idx1-ubyte.gz", "2 labels", "3 images");

        var empty = Directory.CreateDirectory(Path.Combine(dir.Path, "empty")).FullName;
        ThrowsData(() => DatasetLoader.Load(new DatasetConfig { Name = "fashion-mnist", Root = empty }, "."),
            "train-images-idx3-ubyte", "apt-get install dataset-fashion-mnist", "\"download\": true");
    }

    [Fact]
    public void Idx_dataset_uses_its_own_test_split_and_scales_by_1_over_255()
    {
        using var dir = new TempFolder();
        Directory.CreateDirectory(Path.Combine(dir.Path, "sub"));
        dir.Write("sub/train-images-idx3-ubyte.gz", Gzip(Images(40, 3, 3)));
        dir.Write("sub/train-labels-idx1-ubyte", Labels(Enumerable.Range(0, 40).Select(i => (byte)(i % 10)).ToArray()));
        dir.Write("sub/t10k-images-idx3-ubyte", Images(10, 3, 3));
        dir.Write("sub/t10k-labels-idx1-ubyte.gz", Gzip(Labels(0, 1, 2, 3, 4, 5, 6, 7, 8, 9)));
        // A relative root is resolved against the base directory.
        using var data = DatasetLoader.Load(new DatasetConfig { Name = "MNIST", Root = "sub", Standardize = false, ValidationFraction = 0.25 }, dir.Path);
        Assert.Equal(new long[] { 1, 3, 3 }, data.FeatureShape);
        Assert.Equal((30, 10, 10), (data.Train.Count, data.Validation.Count, data.Test.Count));
        Assert.Equal(new long[] { 10, 1, 3, 3 }, data.Test.Features.shape);
        Assert.Equal(Images(10, 3, 3)[16..].Select(b => b / 255f), Floats(data.Test.Features));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), Longs(data.Test.Targets));
        Assert.All(Floats(data.Train.Features), v => Assert.InRange(v, 0f, 1f));
    }
}

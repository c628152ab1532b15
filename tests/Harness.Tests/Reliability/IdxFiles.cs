using System.Buffers.Binary;

namespace Harness.Tests.Reliability;

/// <summary>Writes a small MNIST-layout IDX dataset (the four uncompressed files) with images of any size.</summary>
internal static class IdxFiles
{
    public static void Write(string folder, int rows, int cols, int train, int test)
    {
        Directory.CreateDirectory(folder);
        Pair(folder, "train", rows, cols, train);
        Pair(folder, "t10k", rows, cols, test);
    }

    static void Pair(string folder, string prefix, int rows, int cols, int count)
    {
        var images = new byte[16 + count * rows * cols];
        BinaryPrimitives.WriteInt32BigEndian(images, 0x00000803);
        BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(12), cols);
        var labels = new byte[8 + count];
        BinaryPrimitives.WriteInt32BigEndian(labels, 0x00000801);
        BinaryPrimitives.WriteInt32BigEndian(labels.AsSpan(4), count);
        for (int i = 0; i < count; i++)
        {
            var label = (byte)(i % 10);
            labels[8 + i] = label;
            // A bright block whose place depends on the label: learnable, and deterministic.
            for (int p = 0; p < rows * cols; p++)
                images[16 + i * rows * cols + p] = (byte)(p % 10 == label ? 200 : (i * 31 + p * 7) % 50);
        }
        File.WriteAllBytes(Path.Combine(folder, prefix + "-images-idx3-ubyte"), images);
        File.WriteAllBytes(Path.Combine(folder, prefix + "-labels-idx1-ubyte"), labels);
    }
}

using System.Buffers.Binary;
using System.IO.Compression;

namespace Harness.Data;

/// <summary>Images read from an IDX file: <see cref="Count"/> images of <see cref="Rows"/> x <see cref="Columns"/> bytes, row-major.</summary>
/// <param name="Path">The file read.</param>
/// <param name="Pixels">All pixels, image after image (Count * Rows * Columns bytes).</param>
/// <param name="Count">Number of images.</param>
/// <param name="Rows">Image height.</param>
/// <param name="Columns">Image width.</param>
public sealed record IdxImages(string Path, byte[] Pixels, int Count, int Rows, int Columns);

/// <summary>
/// Reads the IDX format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/): a big-endian header
/// (magic 0x00000803 + three int32 dims for uint8 images, 0x00000801 + one dim for uint8 labels) followed by
/// the raw bytes. Gzipped files are recognised by their content (gzip magic 1F 8B), not their name, so a
/// renamed file still reads. The payload is read in one bulk read into one array: no per-sample objects.
/// Every failure is a <see cref="DataException"/> naming the file and the problem.
/// </summary>
public static class IdxReader
{
    /// <summary>Magic number of an IDX file of uint8 values with three dimensions (images).</summary>
    public const int ImagesMagic = 0x00000803;
    /// <summary>Magic number of an IDX file of uint8 values with one dimension (labels).</summary>
    public const int LabelsMagic = 0x00000801;

    /// <summary>Reads an images file (magic 0x00000803), gzipped or not.</summary>
    public static IdxImages ReadImages(string path)
    {
        return Read(path, ImagesMagic, "images", 3, (stream, dims) =>
        {
            long total = (long)dims[0] * dims[1] * dims[2];
            if (total > Array.MaxLength)
                throw new DataException($"{path}: header claims {dims[0]} images of {dims[1]}x{dims[2]} pixels, too many to hold in memory; " +
                                        "the file (or its gzip data) is corrupt. Replace it.");
            var pixels = ReadPayload(stream, path, (int)total, $"{dims[0]} images of {dims[1]}x{dims[2]} pixels");
            return new IdxImages(path, pixels, dims[0], dims[1], dims[2]);
        });
    }

    /// <summary>Reads a labels file (magic 0x00000801), gzipped or not: one byte per sample.</summary>
    public static byte[] ReadLabels(string path)
    {
        return Read(path, LabelsMagic, "labels", 1, (stream, dims) => ReadPayload(stream, path, dims[0], $"{dims[0]} labels"));
    }

    static T Read<T>(string path, int expectedMagic, string kind, int dimCount, Func<Stream, int[], T> readPayload)
    {
        if (!File.Exists(path))
            throw new DataException($"{path}: file not found (IDX {kind} file).");
        try
        {
            using var file = File.OpenRead(path);
            using var stream = OpenMaybeGzip(file);
            Span<byte> header = stackalloc byte[4 + 4 * dimCount];
            int got = ReadFully(stream, header);
            if (got < 4)
                throw new DataException($"{path}: truncated: the file has {got} bytes, not even the 4-byte IDX magic number. Replace the file.");
            int magic = BinaryPrimitives.ReadInt32BigEndian(header);
            if (magic != expectedMagic)
                throw new DataException(
                    $"{path}: wrong magic number 0x{magic:X8}; an IDX {kind} file starts with 0x{expectedMagic:X8}"
                    + (magic == ImagesMagic || magic == LabelsMagic
                        ? $" (0x{magic:X8} is the other kind of IDX file: are images and labels swapped?)."
                        : " (is this an IDX file?)."));
            if (got < header.Length)
                throw new DataException($"{path}: truncated: the IDX header needs {header.Length} bytes but the file ends after {got}. Replace the file.");
            var dims = new int[dimCount];
            for (int i = 0; i < dimCount; i++)
            {
                dims[i] = BinaryPrimitives.ReadInt32BigEndian(header[(4 + 4 * i)..]);
                if (dims[i] < 0)
                    throw new DataException($"{path}: dimension {i} is negative ({dims[i]}); the file is corrupt. Replace it.");
            }
            var result = readPayload(stream, dims);
            // Read to the end of a gzip stream so its CRC-32 and length trailer are checked: a damaged
            // payload then fails here as broken gzip instead of loading wrong pixels.
            if (stream is GZipStream)
            {
                var sink = new byte[4096];
                while (stream.Read(sink) > 0) { }
            }
            return result;
        }
        catch (InvalidDataException e)
        {
            // GZipStream reports a corrupt deflate stream or a bad gzip trailer this way.
            throw new DataException(
                $"{path}: broken gzip data ({e.Message}). The file is damaged or was cut off during download; delete it and fetch it again.", e);
        }
        catch (IOException e) when (e is not EndOfStreamException)
        {
            throw new DataException($"{path}: cannot read the file: {e.Message}", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new DataException($"{path}: permission denied reading the file: {e.Message}", e);
        }
    }

    /// <summary>Gzip is recognised by its two magic bytes, then the stream is rewound (files here are always seekable).</summary>
    static Stream OpenMaybeGzip(FileStream file)
    {
        int b0 = file.ReadByte(), b1 = file.ReadByte();
        file.Position = 0;
        return b0 == 0x1F && b1 == 0x8B ? new GZipStream(file, CompressionMode.Decompress) : file;
    }

    static byte[] ReadPayload(Stream stream, string path, int count, string what)
    {
        var data = GC.AllocateUninitializedArray<byte>(count);
        int got = ReadFully(stream, data);
        if (got < count)
            throw new DataException($"{path}: truncated: the header announces {what} ({count} bytes of data) but the file has only {got}. Replace the file.");
        return data;
    }

    /// <summary>Reads until the buffer is full or the stream ends; returns the bytes read (short read = truncated file).</summary>
    static int ReadFully(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = stream.Read(buffer[total..]);
            if (n == 0) break;
            total += n;
        }
        return total;
    }
}

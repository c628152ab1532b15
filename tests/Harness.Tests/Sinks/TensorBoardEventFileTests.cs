using System.Buffers.Binary;
using System.Text;
using Harness.Sinks;
using Harness.Tests.Results;
using Xunit;

namespace Harness.Tests.Sinks;

/// <summary>The harness's own TensorBoard event files: TensorFlow's record framing, read back by TorchSharp's protobuf types.</summary>
public class TensorBoardEventFileTests
{
    [Fact]
    public void Crc32c_gives_the_standard_check_value()
    {
        Assert.Equal(0xE3069283u, TensorBoardEventFile.Crc32C(Encoding.ASCII.GetBytes("123456789")));
        Assert.Equal(0u, TensorBoardEventFile.Crc32C([]));
        // TensorFlow's mask of that value: rotated right by 15 bits, plus 0xa282ead8 (worked out by hand).
        Assert.Equal(0xC78AB0E5u, TensorBoardEventFile.MaskedCrc(Encoding.ASCII.GetBytes("123456789")));
    }

    [Fact]
    public void Records_have_valid_checksums_and_decode_as_events()
    {
        using var dir = new TempFolder();
        string path;
        using (var file = new TensorBoardEventFile(Path.Combine(dir.Path, "run")))
        {
            path = file.Path;
            file.AddScalar("loss/train", 0.25f, 1);
            file.AddScalar("accuracy/test", 0.875f, 1);
            file.Flush();
            file.AddScalar("loss/train", 0.125f, 300);
        }
        Assert.StartsWith("events.out.tfevents.", Path.GetFileName(path));
        var events = Records(File.ReadAllBytes(path)).Select(r => Tensorboard.Event.Parser.ParseFrom(r)).ToList();
        Assert.Equal(4, events.Count);
        Assert.Equal("brain.Event:2", events[0].FileVersion);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Assert.All(events, e => Assert.InRange(e.WallTime, now - 60, now + 1));
        var scalars = events.Skip(1).Select(e => (e.Step, e.Summary.Value.Single().Tag, e.Summary.Value.Single().SimpleValue)).ToList();
        Assert.Equal([(1L, "loss/train", 0.25f), (1L, "accuracy/test", 0.875f), (300L, "loss/train", 0.125f)], scalars);
    }

    /// <summary>Splits a record file, checking every length and payload checksum.</summary>
    static IEnumerable<byte[]> Records(byte[] bytes)
    {
        int at = 0;
        while (at < bytes.Length)
        {
            var length = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(at));
            Assert.Equal(TensorBoardEventFile.MaskedCrc(bytes.AsSpan(at, 8)), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 8)));
            var data = bytes.AsSpan(at + 12, length).ToArray();
            Assert.Equal(TensorBoardEventFile.MaskedCrc(data), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 12 + length)));
            yield return data;
            at += 12 + length + 4;
        }
    }
}

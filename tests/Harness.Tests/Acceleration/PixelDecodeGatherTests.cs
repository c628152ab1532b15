using System.Buffers.Binary;
using Harness.Acceleration;
using Harness.Config;
using Harness.Data;
using Harness.Experiments;
using Harness.Tests.Data;
using Harness.Tests.Experiments;
using Harness.Tests.Training;
using Harness.Training;
using Xunit;
using static TorchSharp.torch;

namespace Harness.Tests.Acceleration;

/// <summary>
/// Image batches gathered from the pixel bytes decode to exactly the standardized floats: the decoder reproduces any
/// 256-entry table bit for bit at every row length it takes, the decoding row copy gives index_select's batches, image
/// datasets carry their pixels and table to the trainer, and training on decoded batches is bit-identical to training
/// on index_select batches of the floats.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public class PixelDecodeGatherTests
{
    /// <summary>Values whose bits a sloppy decode would change: signed zeros, a subnormal, infinities, NaN payloads.</summary>
    static float[] AwkwardLookup()
    {
        var random = new Random(7);
        var lookup = new float[256];
        for (int v = 0; v < 256; v++) lookup[v] = (float)(random.NextDouble() * 8 - 4);
        lookup[0] = -0f;
        lookup[1] = 0f;
        lookup[2] = float.Epsilon;
        lookup[3] = float.PositiveInfinity;
        lookup[127] = BitConverter.Int32BitsToSingle(0x7FC0_1234);   // NaN with a payload
        lookup[128] = BitConverter.Int32BitsToSingle(unchecked((int)0xFF80_0001));
        lookup[255] = float.MaxValue;
        return lookup;
    }

    [SkippableFact]
    public void The_decoder_refuses_CPUs_without_AVX512_VBMI()
    {
        Skip.If(PixelLookupDecoder.IsSupported, "this CPU has AVX-512 VBMI: the decoder is checked bit for bit instead");
        Assert.Throws<PlatformNotSupportedException>(() => new PixelLookupDecoder(AwkwardLookup()));
    }

    [SkippableTheory]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(100)]
    [InlineData(784)]
    [InlineData(1000)]
    public void The_decoder_reproduces_the_lookup_bit_for_bit(int length)
    {
        var lookup = AwkwardLookup();
        Skip.IfNot(PixelLookupDecoder.IsSupported, "this CPU lacks AVX-512 VBMI: the decoder is not used here (its refusal is checked instead)");
        var decoder = new PixelLookupDecoder(lookup);
        var random = new Random(length);
        var source = new byte[length];
        random.NextBytes(source);
        var decoded = new float[length + 1];
        decoded[length] = 42f;   // a sentinel past the row: the overlapping last chunk must stay inside it
        decoder.Decode(source, decoded);
        for (int i = 0; i < length; i++)
            Assert.True(BitConverter.SingleToInt32Bits(lookup[source[i]]) == BitConverter.SingleToInt32Bits(decoded[i]),
                $"pixel {i} (byte {source[i]}) decoded to {decoded[i]:R}, not {lookup[source[i]]:R}");
        Assert.Equal(42f, decoded[length]);
    }

    [SkippableFact]
    public void The_decoder_refuses_short_rows_and_wrong_tables()
    {
        Skip.IfNot(PixelLookupDecoder.IsSupported, "this CPU lacks AVX-512 VBMI: the decoder is not used here (its refusal is checked instead)");
        Assert.Throws<ArgumentException>(() => new PixelLookupDecoder(new float[255]));
        using var features = zeros(10, 7, 7);
        using var codes = new PixelCodes(zeros(10, 7, 7, dtype: ScalarType.Byte), new float[256]);
        Assert.False(RowCopyGather.CanDecode(features, new PixelSource(codes.Bytes, codes.Lookup)));                  // 49-pixel rows
        using var wide = zeros(10, 1, 8, 8);
        using var wideCodes = new PixelCodes(zeros(10, 1, 8, 8, dtype: ScalarType.Byte), new float[256]);
        var wideSource = new PixelSource(wideCodes.Bytes, wideCodes.Lookup);
        Assert.True(RowCopyGather.CanDecode(wide, wideSource));
        using var doubles = zeros(10, 1, 8, 8, dtype: ScalarType.Float64);
        Assert.False(RowCopyGather.CanDecode(doubles, wideSource));              // only float32 features
        using var floats = zeros(10, 1, 8, 8);
        Assert.Throws<ArgumentException>(() => new PixelCodes(floats, new float[256]));   // only uint8 codes
        using var bytes = zeros(10, 1, 8, 8, dtype: ScalarType.Byte);
        Assert.Throws<ArgumentException>(() => new PixelCodes(bytes, new float[255]));    // only 256-entry tables
    }

    [SkippableFact]
    public void The_decoding_row_copy_gives_index_select_batches_of_the_floats()
    {
        Skip.IfNot(PixelLookupDecoder.IsSupported, "this CPU lacks AVX-512 VBMI: the decoding row copy is not used here");
        const long n = 103;
        var lookup = AwkwardLookup();
        lookup[3] = 1.5f;   // index_select and the row copy move bits alike; keep the table finite anyway
        var random = new Random(11);
        var pixels = new byte[n * 784];
        random.NextBytes(pixels);
        using var codes = new PixelCodes(tensor(pixels, [n, 1, 28, 28]), lookup);
        using var features = tensor(pixels.Select(p => lookup[p]).ToArray(), [n, 1, 28, 28]);
        var generator = new Generator(5);
        using var targets = randint(0, 10, [n], generator: generator);
        using var order = randperm(n, generator: generator, dtype: ScalarType.Int64);
        foreach (var batchSize in new[] { 1, 16, 128 })
        {
            using var decode = new RowCopyGather(features, targets, batchSize, new PixelSource(codes.Bytes, codes.Lookup));
            Assert.True(decode.DecodesPixels);
            GatherComparison.AssertSameBatchesAsIndexSelect(decode, features, targets, order, batchSize);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Image_data_carries_its_pixels_to_the_trainer_and_trains_the_same_bits_as_index_select(bool standardize)
    {
        using var folder = new TempFolder();
        WriteMnist(folder.Path, train: 300, test: 40);
        using var data = DatasetLoader.Load(new DatasetConfig { Name = "mnist", Root = folder.Path, ValidationFraction = 0.1, Standardize = standardize }, ".");
        Assert.NotNull(data.Train.Pixels);
        Assert.Null(data.Test.Pixels);
        var lookup = data.Train.Pixels!.Lookup;
        using (var scope = NewDisposeScope())
        {
            var decoded = tensor(lookup)[data.Train.Pixels.Bytes.to(ScalarType.Int64)];
            Assert.True(decoded.eq(data.Train.Features).all().item<bool>(), "the training features are not the lookup of their pixel codes");
        }

        var training = new TrainingConfig { Epochs = 2, BatchSize = 64, Optimizer = new OptimizerConfig { Name = "adam", LearningRate = 1e-2 } };
        var model = new ModelConfig { Kind = "mlp", Hidden = [32] };
        using (var deviceData = new DeviceData(data, CPU, TrainingAccelerators.Instance))
        {
            Assert.NotNull(deviceData.TrainPixels);
            using var gather = BatchGather.TryCreate(deviceData.TrainFeatures, deviceData.TrainTargets, 64,
                new PixelSource(deviceData.TrainPixels!.Bytes, deviceData.TrainPixels.Lookup));
            Assert.Equal(PixelLookupDecoder.IsSupported, Assert.IsType<AdaptiveGather>(gather).RowCopy.DecodesPixels);
        }
        Assert.Equal(GatherComparison.Train(data, training, model, plainBatches: true), GatherComparison.Train(data, training, model, plainBatches: false));
    }

    /// <summary>MNIST-format files of random 28x28 images with labels 0-9.</summary>
    static void WriteMnist(string root, int train, int test)
    {
        var random = new Random(3);
        void Write(string prefix, int count)
        {
            var images = new byte[16 + count * 784];
            BinaryPrimitives.WriteInt32BigEndian(images, IdxReader.ImagesMagic);
            BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(4), count);
            BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(8), 28);
            BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(12), 28);
            random.NextBytes(images.AsSpan(16));
            var labels = new byte[8 + count];
            BinaryPrimitives.WriteInt32BigEndian(labels, IdxReader.LabelsMagic);
            BinaryPrimitives.WriteInt32BigEndian(labels.AsSpan(4), count);
            for (int i = 0; i < count; i++) labels[8 + i] = (byte)(i % 10);
            File.WriteAllBytes(Path.Combine(root, $"{prefix}-images-idx3-ubyte"), images);
            File.WriteAllBytes(Path.Combine(root, $"{prefix}-labels-idx1-ubyte"), labels);
        }
        Write("train", train);
        Write("t10k", test);
    }
}

using Harness.Data;
using Xunit;
using static Harness.Tests.Data.DataTestSupport;

namespace Harness.Tests.Data;

/// <summary>
/// What a run seed resamples: for data without an official test set, its own stratified split and corruption; for
/// IDX data, its own validation split and corruption around the fixed official test set; and nothing when
/// dataset.seed fixes the data. A grid's intervals over seeds then include the variance of the split.
/// </summary>
public class SeedResamplingTests
{
    [Fact]
    public void Each_run_seed_draws_its_own_split_and_label_noise_and_the_same_seed_draws_the_same()
    {
        using var dir = new TempFolder();
        var path = dir.Write("ids.csv", IdCsv(100, 60, 40));
        var config = Csv(path) with { TestFraction = 0.25, ValidationFraction = 0.2, Corruption = new CorruptionConfig { LabelNoise = 0.3 } };
        using var a = DatasetLoader.Load(config, dir.Path, runSeed: 1);
        using var again = DatasetLoader.Load(config, dir.Path, runSeed: 1);
        using var b = DatasetLoader.Load(config, dir.Path, runSeed: 2);

        Assert.Equal(Ids(a.Test), Ids(again.Test));
        Assert.Equal(Longs(a.Train.Targets), Longs(again.Train.Targets));
        Assert.NotEqual(Ids(a.Test).Order(), Ids(b.Test).Order());
        Assert.NotEqual(Ids(a.Validation).Order(), Ids(b.Validation).Order());
        // Both stay stratified.
        Assert.Equal(ClassCounts(a.Test, 3), ClassCounts(b.Test, 3));
        // The noise lands on other rows: which ids carry a wrong label differs.
        Assert.NotEqual(Flipped(a), Flipped(b));
        Assert.Equal(1, a.DataSeed);
        Assert.Contains(a.Notes, n => n.Contains("data seed: the run seed 1"));
    }

    [Fact]
    public void A_fixed_dataset_seed_gives_every_run_seed_the_same_data()
    {
        using var dir = new TempFolder();
        var path = dir.Write("ids.csv", IdCsv(100, 60, 40));
        var config = Csv(path) with { Seed = 7, Corruption = new CorruptionConfig { LabelNoise = 0.3 } };
        using var a = DatasetLoader.Load(config, dir.Path, runSeed: 1);
        using var b = DatasetLoader.Load(config, dir.Path, runSeed: 2);
        Assert.Equal(Ids(a.Test), Ids(b.Test));
        Assert.Equal(Ids(a.Train), Ids(b.Train));
        Assert.Equal(Longs(a.Train.Targets), Longs(b.Train.Targets));
        Assert.Contains(a.Notes, n => n.Contains("fixed by dataset.seed"));
    }

    [Fact]
    public void Idx_data_keeps_its_official_test_set_and_redraws_validation_per_seed()
    {
        using var dir = new TempFolder();
        var rng = new Random(5);
        var images = new byte[16 + 60 * 4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(images, IdxReader.ImagesMagic);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(4), 60);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(8), 2);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(12), 2);
        rng.NextBytes(images.AsSpan(16));
        var test = (byte[])images.Clone();
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(test.AsSpan(4), 20);
        byte[] Labels(int n)
        {
            var bytes = new byte[8 + n];
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes, IdxReader.LabelsMagic);
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), n);
            for (int i = 0; i < n; i++) bytes[8 + i] = (byte)(i % 10);
            return bytes;
        }
        dir.Write("train-images-idx3-ubyte", images);
        dir.Write("train-labels-idx1-ubyte", Labels(60));
        dir.Write("t10k-images-idx3-ubyte", test[..(16 + 20 * 4)]);
        dir.Write("t10k-labels-idx1-ubyte", Labels(20));
        var config = new DatasetConfig { Name = "mnist", Root = dir.Path, Standardize = false, ValidationFraction = 0.2 };
        using var a = DatasetLoader.Load(config, dir.Path, runSeed: 0);
        using var b = DatasetLoader.Load(config, dir.Path, runSeed: 1);
        Assert.Equal(Floats(a.Test.Features), Floats(b.Test.Features));
        Assert.Equal(Longs(a.Test.Targets), Longs(b.Test.Targets));
        Assert.NotEqual(Floats(a.Validation.Features), Floats(b.Validation.Features));
    }

    /// <summary>Ids of the training rows whose label is not the class their id was written with.</summary>
    static int[] Flipped(PreparedData data)
    {
        var ids = Ids(data.Train);
        var labels = Longs(data.Train.Targets);
        static long Truth(int id) => id < 100 ? 0 : id < 160 ? 1 : 2;
        return ids.Where((id, i) => labels[i] != Truth(id)).Order().ToArray();
    }
}

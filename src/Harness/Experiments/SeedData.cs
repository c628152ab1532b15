using Harness.Data;

namespace Harness.Experiments;

/// <summary>
/// The data each run seed trains on. By default every seed draws its own split and corruption (so intervals over seeds
/// include split variance); a config that fixes <see cref="DatasetConfig.Seed"/> gives every seed the same data. Within a
/// seed, every loss and every learning rate sees the same tensors. Loads lazily and keeps the first seed's data (its
/// task, classes and sizes describe the grid) and the current one.
/// </summary>
public sealed class SeedData : IDisposable
{
    readonly DatasetConfig? config;
    readonly string baseDirectory;
    readonly bool owned;
    (int DataSeed, PreparedData Data)? current;

    /// <summary>
    /// Loads per seed from <paramref name="config"/>; the first seed's data is loaded now, so data errors surface
    /// before anything is written.
    /// </summary>
    public SeedData(DatasetConfig config, string baseDirectory, int firstSeed)
    {
        this.config = config;
        this.baseDirectory = baseDirectory;
        owned = true;
        First = DatasetLoader.Load(config, baseDirectory, firstSeed);
    }

    SeedData(PreparedData fixedData)
    {
        baseDirectory = "";
        First = fixedData;
    }

    /// <summary>The same prepared data for every seed (not disposed by this object): for tests and benchmarks that build the data themselves.</summary>
    public static SeedData Fixed(PreparedData data) => new(data);

    /// <summary>The first seed's data: task, class count, feature shape and notes of the grid.</summary>
    public PreparedData First { get; }

    /// <summary>The data of <paramref name="seed"/>; valid until the next call with another data seed.</summary>
    public PreparedData For(int seed)
    {
        if (config is null) return First;
        int dataSeed = DatasetLoader.DataSeed(config, seed);
        if (dataSeed == First.DataSeed) return First;
        if (current is { } c && c.DataSeed == dataSeed) return c.Data;
        current?.Data.Dispose();
        current = null;
        var data = DatasetLoader.Load(config, baseDirectory, seed);
        current = (dataSeed, data);
        return data;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        current?.Data.Dispose();
        current = null;
        if (owned) First.Dispose();
    }
}

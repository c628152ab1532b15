using Harness.Data;

namespace Harness.Experiments;

/// <summary>
/// The data each run seed trains on. By default every seed draws its own split and corruption (so intervals over seeds
/// include split variance); a config that fixes <see cref="DatasetConfig.Seed"/> gives every seed the same data. Within a
/// seed, every loss and every learning rate sees the same tensors. Keeps the first seed's data (its task, classes and
/// sizes describe the grid); other seeds' data is loaded for whoever asks and is theirs to dispose.
/// </summary>
public sealed class SeedData : IDisposable
{
    readonly DatasetConfig? config;
    readonly string baseDirectory;
    readonly bool owned;

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

    /// <summary>
    /// The data of <paramref name="seed"/>: the first seed's (kept here, <c>Owned</c> false), or a fresh load that the
    /// caller disposes (<c>Owned</c> true). Safe to call from several threads at once.
    /// </summary>
    public (PreparedData Data, bool Owned) Open(int seed)
    {
        if (config is null || DatasetLoader.DataSeed(config, seed) == First.DataSeed) return (First, false);
        return (DatasetLoader.Load(config, baseDirectory, seed), true);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (owned) First.Dispose();
    }
}

using System.Globalization;
using static TorchSharp.torch;

namespace Harness.Data;

/// <summary>
/// Turns a <see cref="DatasetConfig"/> into <see cref="PreparedData"/>: load, split (test, then limits, then
/// validation), standardize with training statistics, corrupt the training portion (and validation only when the
/// config asks), make tensors. Everything random is drawn from System.Random streams derived from one data seed
/// (one stream per purpose, so e.g. changing the label-noise rate does not move the split), on host arrays, so the
/// same config and seed give bit-identical tensors in every process. The data seed is <see cref="DatasetConfig.Seed"/>
/// when the config fixes one, else the run seed: each seed of a grid then draws its own split and corruption, and
/// every loss of that seed sees the same data.
/// </summary>
public static class DatasetLoader
{
    /// <summary>The dataset names <see cref="Load"/> accepts (case-insensitive): <see cref="DatasetCatalog.Names"/>.</summary>
    public static IReadOnlyList<string> Names => DatasetCatalog.Names;

    // Purposes of the derived random streams; fixed numbers so results never depend on call order.
    internal const int StreamSynthetic = 1;
    const int StreamTest = 2, StreamTrainLimit = 3, StreamTestLimit = 4, StreamValidation = 5,
        StreamTrainCorruption = 6, StreamValidationCorruption = 7;

    /// <summary>
    /// Loads and prepares the dataset of <paramref name="config"/> for one run seed. Relative paths (CSV path, IDX root)
    /// are resolved against <paramref name="baseDirectory"/> (the config file's folder).
    /// </summary>
    /// <param name="config">The dataset section.</param>
    /// <param name="baseDirectory">Folder that relative paths start from.</param>
    /// <param name="runSeed">The run seed; it draws the split and corruption unless <see cref="DatasetConfig.Seed"/> fixes them.</param>
    /// <exception cref="DataException">Anything wrong with the files or the settings, with a message for the user.</exception>
    public static PreparedData Load(DatasetConfig config, string baseDirectory, int runSeed = 0)
    {
        int seed = DataSeed(config, runSeed);
        ArgumentNullException.ThrowIfNull(config);
        var dataset = DatasetCatalog.Find(config.Name)
            ?? throw new DataException($"dataset \"{config.Name}\" is unknown; valid names: {string.Join(", ", Names)}.");
        var name = dataset.Name;
        CheckSplitSettings(config, dataset);

        var notes = new List<string>();
        var (pool, ownTest, classCount, source, note) = dataset.Load(config, baseDirectory, seed);
        if (note != null) notes.Add(note);
        var task = pool.Classes != null ? TaskKind.Classification : TaskKind.Regression;
        Corruptions.Check(config.Corruption, task, classCount, name);

        // Test split: the dataset's own where it has one, else a seeded stratified fraction.
        HostTable trainPool, test;
        if (ownTest != null)
        {
            (trainPool, test) = (pool, ownTest);
            notes.Add($"test split: the dataset's own ({test.Count} samples)");
        }
        else
        {
            int testCount = Splitter.Share(pool.Count, config.TestFraction);
            if (testCount < 1 || testCount >= pool.Count)
                throw new DataException($"{name}: testFraction {Fmt(config.TestFraction)} of {pool.Count} samples gives {testCount} test samples; " +
                                        "choose a fraction that leaves at least one sample in each split.");
            var (picked, rest) = Splitter.Pick(pool, testCount, Rng(seed, StreamTest));
            (trainPool, test) = (pool.Select(rest), pool.Select(picked));
            notes.Add($"test split: seeded {(task == TaskKind.Classification ? "stratified " : "")}{Fmt(config.TestFraction)} of {pool.Count} samples " +
                      $"({test.Count})");
        }

        // Limits subsample the splits (stratified); the training limit applies before validation is carved out,
        // so a quick run's validation set shrinks with it.
        if (config.TrainLimit > 0 && config.TrainLimit < trainPool.Count)
        {
            notes.Add(
                $"train limit: {config.TrainLimit} of {trainPool.Count} training samples (seeded{(task == TaskKind.Classification ? ", stratified" : "")})");
            trainPool = trainPool.Select(Splitter.Pick(trainPool, config.TrainLimit, Rng(seed, StreamTrainLimit)).Picked);
        }
        if (config.TestLimit > 0 && config.TestLimit < test.Count)
        {
            notes.Add($"test limit: {config.TestLimit} of {test.Count} test samples (seeded{(task == TaskKind.Classification ? ", stratified" : "")})");
            test = test.Select(Splitter.Pick(test, config.TestLimit, Rng(seed, StreamTestLimit)).Picked);
        }

        int validationCount = Splitter.Share(trainPool.Count, config.ValidationFraction);
        if (validationCount >= trainPool.Count)
            throw new DataException(
                $"{name}: validationFraction {Fmt(config.ValidationFraction)} of {trainPool.Count} training samples leaves no training data; lower it.");
        var (valIdx, trainIdx) = Splitter.Pick(trainPool, validationCount, Rng(seed, StreamValidation));
        var train = trainPool.Select(trainIdx);
        var validation = trainPool.Select(valIdx);
        notes.Add($"validation split: seeded {Fmt(config.ValidationFraction)} of the {trainPool.Count} training samples ({validation.Count})");

        // Imbalance first: it defines the training distribution that the statistics below describe.
        var trainRng = Rng(seed, StreamTrainCorruption);
        var validationRng = Rng(seed, StreamValidationCorruption);
        // Validation stays clean unless asked: it is what selection reads, and a corrupted one would select for the noise.
        bool corruptValidation = config.Corruption.Validation.Trim().Equals("corrupted", StringComparison.OrdinalIgnoreCase);
        train = Corruptions.Imbalance(train, config.Corruption, trainRng, "train", notes);
        if (corruptValidation) validation = Corruptions.Imbalance(validation, config.Corruption, validationRng, "validation", notes);
        if (train.Count == 0)
            throw new DataException($"{name}: no training samples left after the split and corruptions; raise trainLimit or lower validationFraction.");

        if (config.Standardize)
        {
            var standardizer = Standardizer.Fit(train);
            (train, validation, test) = (standardizer.Apply(train), standardizer.Apply(validation), standardizer.Apply(test));
            notes.Add(standardizer.Describe());
        }
        else
        {
            (train, validation, test) = (Standardizer.ScalePixels(train), Standardizer.ScalePixels(validation), Standardizer.ScalePixels(test));
        }

        // Regression targets: standardized with the clean training targets' statistics, before outliers are
        // added, so outliers do not distort the scale that metrics are reported in.
        double targetMean = 0, targetStd = 1;
        if (task == TaskKind.Regression)
        {
            var y = train.Values!;
            targetMean = y.Average();
            targetStd = Math.Sqrt(y.Sum(v => (v - targetMean) * (v - targetMean)) / y.Length);
            if (!(targetStd > 1e-12)) targetStd = 1;
            (train, validation, test) = (
                ScaleTargets(train, targetMean, targetStd), ScaleTargets(validation, targetMean, targetStd), ScaleTargets(test, targetMean, targetStd));
            notes.Add($"targets standardized with training mean {Fmt(targetMean)} and std {Fmt(targetStd)}");
        }

        train = Corruptions.LabelNoise(train, config.Corruption, classCount, trainRng, "train", notes);
        train = Corruptions.Outliers(train, config.Corruption, 1.0, trainRng, "train", notes);
        if (corruptValidation)
        {
            validation = Corruptions.LabelNoise(validation, config.Corruption, classCount, validationRng, "validation", notes);
            validation = Corruptions.Outliers(validation, config.Corruption, 1.0, validationRng, "validation", notes);
        }
        else if (Corruptions.Any(config.Corruption))
            notes.Add("validation: clean (corruptions touch the training portion only; dataset.corruption.validation)");
        notes.Insert(0, config.Seed is { } fixedSeed
            ? $"data seed: {fixedSeed}, fixed by dataset.seed (every run seed sees the same split and corruption)"
            : $"data seed: the run seed {runSeed} (split and corruption drawn per seed)");

        notes.Insert(0, $"{train.Count} train / {validation.Count} validation / {test.Count} test samples; features {string.Join("x", train.FeatureShape)}"
            + (task == TaskKind.Classification ? $"; {classCount} classes" : "; regression"));
        return new PreparedData
        {
            Name = name,
            Source = source,
            Task = task,
            ClassCount = classCount,
            FeatureShape = (long[])train.FeatureShape.Clone(),
            Train = ToSplit(train, keepPixelCodes: true),
            Validation = ToSplit(validation, keepPixelCodes: false),
            Test = ToSplit(test, keepPixelCodes: false),
            TargetMean = targetMean,
            TargetStd = targetStd,
            DataSeed = seed,
            ValidationCorrupted = corruptValidation,
            Notes = notes,
        };
    }

    /// <summary>The seed that draws the split and corruption of a run seed's data.</summary>
    public static int DataSeed(DatasetConfig config, int runSeed) => config.Seed ?? runSeed;

    static void CheckSplitSettings(DatasetConfig c, DatasetInfo dataset)
    {
        var name = dataset.Name;
        if (!(c.ValidationFraction >= 0 && c.ValidationFraction < 1))
            throw new DataException($"{name}: validationFraction = {Fmt(c.ValidationFraction)} is out of range; valid: [0, 1).");
        if (!(c.TestFraction > 0 && c.TestFraction < 1) && !dataset.OwnTestSplit)
            throw new DataException($"{name}: testFraction = {Fmt(c.TestFraction)} is out of range; valid: (0, 1).");
        if (c.TrainLimit < 0)
            throw new DataException($"{name}: trainLimit = {c.TrainLimit} is out of range; valid: 0 (all) or a positive count.");
        if (c.TestLimit < 0)
            throw new DataException($"{name}: testLimit = {c.TestLimit} is out of range; valid: 0 (all) or a positive count.");
    }

    static HostTable ScaleTargets(HostTable t, double mean, double std) =>
        t.WithTargets(null, t.Values!.Select(v => (v - mean) / std).ToArray());

    /// <summary>
    /// One tensor per array (no per-sample tensors); 0-row splits give [0, ...] tensors. The features tensor
    /// wraps the float array without copying it (from_array pins it; nothing writes the array afterwards). Only the
    /// training split keeps an image table's pixel codes: batches are gathered from them, evaluation reads the floats.
    /// </summary>
    static DataSplit ToSplit(HostTable t, bool keepPixelCodes)
    {
        using var scope = NewDisposeScope();
        var shape = new long[] { t.Count }.Concat(t.FeatureShape).ToArray();
        var features = from_array(t.Features!).reshape(shape);
        var targets = t.Classes != null
            ? tensor(t.Classes, [t.Count])
            : tensor(t.Values!.Select(v => (float)v).ToArray(), [t.Count]);
        // DataSplit detaches them from the scope, so they outlive it.
        if (keepPixelCodes && t.PixelCodes != null)
            return new DataSplit(features, targets, new PixelCodes(from_array(t.PixelCodes).reshape(shape), t.PixelLookup!));
        return new DataSplit(features, targets);
    }

    /// <summary>A seed for one purpose, derived from the dataset seed by a fixed integer mix (SplitMix64 finaliser).</summary>
    internal static int Derive(int seed, int purpose)
    {
        ulong z = unchecked((ulong)(uint)seed * 0x9E3779B97F4A7C15UL + (ulong)purpose * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return (int)((z ^ (z >> 31)) & 0x7FFFFFFF);
    }

    static Random Rng(int seed, int purpose) => new(Derive(seed, purpose));

    static string Fmt(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}

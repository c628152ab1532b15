using System.Globalization;
using System.Text.RegularExpressions;
using CustomLosses.Catalog;
using Harness.Data;
using Harness.Losses;

namespace Harness.Config;

/// <summary>
/// Checks an <see cref="ExperimentConfig"/> beyond its types: ranges, names from fixed sets, required values,
/// safe names, and whether each loss fits the dataset's task (<see cref="LossFit"/>, from the loss registry's <see cref="LossSpec"/>).
/// Returns the configuration with names in canonical spelling (lower case, trimmed; loss names as registered).
/// Every problem found is thrown in one <see cref="ConfigException"/>, each naming the key path, the value and
/// what is valid.
/// </summary>
public static partial class ConfigValidator
{
    /// <summary>
    /// Checks <paramref name="config"/>; returns it with canonical names, or throws one <see cref="ConfigException"/>
    /// with every problem found: each check below reports its first problem and the others still run (checks that
    /// need a valid dataset are left out while the dataset section is broken, so one mistake does not echo).
    /// </summary>
    public static ExperimentConfig Validate(ExperimentConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var problems = new List<ConfigException>();
        T Check<T>(Func<T> check, T whenBroken)
        {
            try { return check(); }
            catch (ConfigException e)
            {
                problems.AddRange(e.Problems.Count > 0 ? e.Problems : [e]);
                return whenBroken;
            }
        }
        void Require(Action<ExperimentConfig> check, ExperimentConfig c) => Check(() => { check(c); return 0; }, 0);

        var device = Check(() => Choice("device", config.Device, ConfigVocabulary.Devices), config.Device);
        var before = problems.Count;
        var dataset = Check(() => ValidateDataset(config.Dataset), config.Dataset);
        var datasetValid = problems.Count == before;
        var c = config with
        {
            Device = device,
            Dataset = dataset,
            Model = Check(() => ValidateModel(config.Model), config.Model),
            Training = Check(() => ValidateTraining(config.Training), config.Training),
        };
        Require(CheckNames, c);
        Require(CheckSeeds, c);
        Require(ValidateTuning, c);
        if (datasetValid)
        {
            Require(CheckModelFitsData, c);
            c = Check(() => CheckAgainstTask(c), c);
            Require(CheckValidationSplit, c);
            before = problems.Count;
            c = c with { Losses = ValidateLosses(c, problems) };
            if (problems.Count == before) Require(CheckBaseline, c);
        }
        if (problems.Count > 0) throw ConfigException.Of(problems);
        return c;
    }

    static void CheckModelFitsData(ExperimentConfig c)
    {
        if (c.Model.Kind == "cnn" && !ConfigVocabulary.In(c.Dataset.Name, ConfigVocabulary.ImageDatasets))
            throw ConfigException.At("model.kind", $"'cnn' needs image data; dataset '{c.Dataset.Name}' is not an image dataset; valid: linear, mlp, " +
                                                   $"or dataset {string.Join(" or ", ConfigVocabulary.ImageDatasets)}.");
    }

    /// <summary>Name, output and threads: what the results folder and the machine need.</summary>
    static void CheckNames(ExperimentConfig c)
    {
        if (string.IsNullOrWhiteSpace(c.Name))
            throw ConfigException.At("name", "missing; give the experiment a name of letters, digits, '.', '_' and '-' (results go to {output}/{name}).");
        if (!SafeName().IsMatch(c.Name) || c.Name is "." or "..")
            throw ConfigException.At("name", $"'{c.Name}' is not a valid experiment name; " +
                                             "use only letters, digits, '.', '_' and '-' (not '.' or '..'), since it names the results folder.");
        if (string.IsNullOrWhiteSpace(c.Output))
            throw ConfigException.At("output", "missing; give the results root folder, e.g. results.");
        if (c.Output.Split('/', '\\').Any(s => s == "..") || c.Output.Any(char.IsControl))
            throw ConfigException.At("output", $"'{c.Output}' must not contain '..' segments or control characters; " +
                                               "give a folder such as results or /tmp/results.");
        // More threads than 4 per logical core only thrash (10000 drove the load above 800 without finishing).
        var maxThreads = 4 * Environment.ProcessorCount;
        if (c.Threads < 0 || c.Threads > maxThreads)
            throw ConfigException.At("threads", $"{c.Threads} is out of range; valid: 0 (libtorch's default) " +
                                                $"to {maxThreads} (4 x the {Environment.ProcessorCount} logical cores).");
        if (!JobsSetting.IsValid(c.Jobs))
            throw ConfigException.At("jobs", $"{c.Jobs} is out of range; valid: 0 (auto: one per core a run's threads leave) to {JobsSetting.Max}.");
    }

    static void CheckSeeds(ExperimentConfig c)
    {
        if (c.Training.BatchSize == 1 && c.Model.BatchNorm)
            throw ConfigException.At("training.batchSize", "is 1 with model.batchNorm true; batch normalization needs batches of 2 or more (with 1 it trains " +
                                                           "at chance); valid: >= 2, or batchNorm false.");
        if (c.Seeds.Count == 0)
            throw ConfigException.At("seeds", "is empty; give at least one seed, e.g. [0, 1, 2].");
        for (int i = 0; i < c.Seeds.Count; i++)
            for (int j = 0; j < i; j++)
                if (c.Seeds[i] == c.Seeds[j])
                    throw ConfigException.At($"seeds.{i}", $"{c.Seeds[i]} repeats seeds.{j}; seeds must be distinct.");
        for (int i = 0; i < c.Seeds.Count; i++)
            if (c.Seeds[i] < 0)
                throw ConfigException.At($"seeds.{i}", $"{c.Seeds[i]} is negative; valid: " +
                                                       $"0 to {int.MaxValue} (seeds are written to and read back from the results folder as such).");
    }

    /// <summary>What depends on the task (classification or regression); returns the config with rankBy settled.</summary>
    static ExperimentConfig CheckAgainstTask(ExperimentConfig c)
    {
        bool regression = DatasetCatalog.IsRegression(c.Dataset);
        if (c.ConvergenceTarget is double target)
        {
            if (regression ? !(target > 0) : !(target > 0 && target <= 1))
                throw ConfigException.At("convergenceTarget",
                    $"{Format(target)} is out of range; valid: {(regression ? "> 0 (a validation RMSE)" : "(0, 1] (a validation accuracy)")}, or null.");
        }
        if (regression && c.Training.EarlyStopping.Enabled && c.Training.EarlyStopping.Metric == "accuracy")
            throw ConfigException.At("training.earlyStopping.metric", $"'accuracy' does not apply to the regression dataset '{c.Dataset.Name}'; valid: loss.");

        var rankMetrics = regression ? ConfigVocabulary.RegressionRankMetrics : ConfigVocabulary.ClassificationRankMetrics;
        c = c with { RankBy = string.IsNullOrWhiteSpace(c.RankBy) ? rankMetrics[0] : Choice("rankBy", c.RankBy, rankMetrics) };
        if (c.Calibration.TemperatureScaling && regression)
            throw ConfigException.At("calibration.temperatureScaling",
                $"true needs class probabilities, but '{c.Dataset.Name}' is a regression dataset; valid: false.");
        return c;
    }

    static void CheckValidationSplit(ExperimentConfig c)
    {
        // Selection reads the validation split and nothing else: without one there is nothing honest to select on.
        if (c.Dataset.ValidationFraction == 0)
        {
            const string fix = "set dataset.validationFraction > 0 (e.g. 0.1): selection reads the validation split only, never the test set";
            if (c.Training.EarlyStopping.Enabled)
                throw ConfigException.At("training.earlyStopping.enabled",
                    $"true needs a validation split, but dataset.validationFraction is 0; {fix}, or set enabled false.");
            if (c.ConvergenceTarget != null)
                throw ConfigException.At("convergenceTarget", $"{Format(c.ConvergenceTarget.Value)} is measured on the validation split, " +
                                                              $"but dataset.validationFraction is 0; {fix}, or set convergenceTarget null.");
            if (c.Tuning.LearningRates.Count > 0)
                throw ConfigException.At("tuning.learningRates", "tuning picks the rate with the best validation score, " +
                                                                 $"but dataset.validationFraction is 0; {fix}, or set tuning.learningRates [].");
            if (c.Calibration.TemperatureScaling)
                throw ConfigException.At("calibration.temperatureScaling", "true fits the temperature on the validation split, " +
                                                                           $"but dataset.validationFraction is 0; {fix}, or set it false.");
        }
    }

    static void CheckBaseline(ExperimentConfig c)
    {
        if (string.IsNullOrWhiteSpace(c.Baseline)) return;
        var labels = c.Losses.Select(DisplayName).ToList();
        if (!c.Losses.Any(l => Same(DisplayName(l), c.Baseline) || Same(l.Loss, c.Baseline)))
            throw ConfigException.At("baseline", $"'{c.Baseline}' is not one of the losses; " +
                                                 $"valid: {string.Join(", ", labels)} (a display name or loss name), or empty for the first.");
    }

    static void ValidateTuning(ExperimentConfig c)
    {
        var t = c.Tuning;
        if (t.LearningRates.Count == 0) return;
        for (int i = 0; i < t.LearningRates.Count; i++)
        {
            Range($"tuning.learningRates.{i}", t.LearningRates[i], v => v > 0 && double.IsFinite(v), "> 0");
            for (int j = 0; j < i; j++)
                if (t.LearningRates[i] == t.LearningRates[j])
                    throw ConfigException.At($"tuning.learningRates.{i}",
                        $"{Format(t.LearningRates[i])} repeats tuning.learningRates.{j}; candidates must be distinct.");
        }
        if (t.Seeds.Count == 0)
            throw ConfigException.At("tuning.seeds",
                "is empty; give at least one tuning seed (two or more for a mean), distinct from seeds, e.g. [1000, 1001].");
        for (int i = 0; i < t.Seeds.Count; i++)
        {
            if (t.Seeds[i] < 0)
                throw ConfigException.At($"tuning.seeds.{i}", $"{t.Seeds[i]} is negative; valid: 0 to {int.MaxValue}.");
            for (int j = 0; j < i; j++)
                if (t.Seeds[i] == t.Seeds[j])
                    throw ConfigException.At($"tuning.seeds.{i}", $"{t.Seeds[i]} repeats tuning.seeds.{j}; seeds must be distinct.");
            if (c.Seeds.Contains(t.Seeds[i]))
                throw ConfigException.At($"tuning.seeds.{i}", $"{t.Seeds[i]} is also an evaluation seed (seeds); " +
                                                              "a seed used to choose the rate must not be used to judge it; valid: " +
                                                              $"a seed not in [{string.Join(", ", c.Seeds)}].");
        }
    }

    /// <summary>The name an entry is shown under: its display name, or else its loss name.</summary>
    public static string DisplayName(LossEntryConfig entry) =>
        string.IsNullOrWhiteSpace(entry.DisplayName) ? entry.Loss : entry.DisplayName;

    static DatasetConfig ValidateDataset(DatasetConfig d)
    {
        var name = Choice("dataset.name", d.Name, ConfigVocabulary.Datasets);
        d = d with
        {
            Name = name,
            // Empty: not inferred (the file could not be read here); loading reports why, or reads it as classes.
            Csv = d.Csv with { Task = string.IsNullOrWhiteSpace(d.Csv.Task) ? "" : Choice("dataset.csv.task", d.Csv.Task, ConfigVocabulary.CsvTasks) },
            Corruption = d.Corruption with
            {
                LabelNoiseKind = Choice("dataset.corruption.labelNoiseKind", d.Corruption.LabelNoiseKind, ConfigVocabulary.LabelNoiseKinds),
                Validation = Choice("dataset.corruption.validation", d.Corruption.Validation, ConfigVocabulary.CorruptionValidation),
            },
        };
        Range("dataset.validationFraction", d.ValidationFraction, v => v >= 0 && v < 1, "[0, 1)");
        Range("dataset.testFraction", d.TestFraction, v => v > 0 && v < 1, "(0, 1)");
        Range("dataset.trainLimit", d.TrainLimit, v => v >= 0, ">= 0 (0: all)");
        Range("dataset.testLimit", d.TestLimit, v => v >= 0, ">= 0 (0: all)");
        if (name == "csv" && string.IsNullOrWhiteSpace(d.Csv.Path))
            throw ConfigException.At("dataset.csv.path", "missing; dataset 'csv' needs the path of a CSV file (relative to the experiment file).");
        // A NUL or other control character makes every path API throw; found by the CLI fuzz test (exit 70 before).
        if (d.Csv.Path.Any(char.IsControl))
            throw ConfigException.At("dataset.csv.path", "contains a control character; give the path of a CSV file.");
        if (d.Root.Any(char.IsControl))
            throw ConfigException.At("dataset.root", "contains a control character; give the folder that holds the IDX files.");
        if (name == "csv" && d.Csv.Separator.Length != 1)
            throw ConfigException.At("dataset.csv.separator", $"'{d.Csv.Separator}' is not valid; give one character, e.g. \",\" or \";\".");

        var s = d.Synthetic;
        Range("dataset.synthetic.samples", s.Samples, v => v >= 2, ">= 2");
        Range("dataset.synthetic.features", s.Features, v => v >= 1, ">= 1");
        Range("dataset.synthetic.classes", s.Classes, v => v >= 2, ">= 2");
        Range("dataset.synthetic.noise", s.Noise, v => v >= 0, ">= 0");

        var k = d.Corruption;
        Range("dataset.corruption.labelNoise", k.LabelNoise, v => v >= 0 && v < 1, "[0, 1)");
        Range("dataset.corruption.imbalanceKeepFraction", k.ImbalanceKeepFraction, v => v > 0 && v <= 1, "(0, 1]");
        Range("dataset.corruption.outlierFraction", k.OutlierFraction, v => v >= 0 && v < 1, "[0, 1)");
        Range("dataset.corruption.outlierScale", k.OutlierScale, v => v > 0, "> 0");
        bool regression = DatasetCatalog.IsRegression(d);
        if (regression && k.LabelNoise > 0)
            throw ConfigException.At("dataset.corruption.labelNoise", $"{Format(k.LabelNoise)} needs class labels, but '{name}' is a regression dataset; " +
                                                                      "valid: 0 (use outlierFraction for noisy targets).");
        if (regression && k.ImbalanceClasses.Count > 0)
            throw ConfigException.At("dataset.corruption.imbalanceClasses", $"needs class labels, but '{name}' is a regression dataset; valid: [].");
        if (!regression && k.OutlierFraction > 0)
            throw ConfigException.At("dataset.corruption.outlierFraction", $"{Format(k.OutlierFraction)} needs real targets, " +
                                                                           $"but '{name}' is a classification dataset; valid: " +
                                                                           "0 (use labelNoise for noisy labels).");
        int? classes = DatasetCatalog.ClassCount(d);
        for (int i = 0; i < k.ImbalanceClasses.Count; i++)
        {
            int cls = k.ImbalanceClasses[i];
            if (cls < 0 || (classes is int n && cls >= n))
                throw ConfigException.At($"dataset.corruption.imbalanceClasses.{i}",
                    $"{cls} is not a class of '{name}'; valid: 0 to " +
                    $"{(classes is int m ? (m - 1).ToString(CultureInfo.InvariantCulture) : "the class count - 1")}.");
            if (k.ImbalanceClasses.Take(i).Contains(cls))
                throw ConfigException.At($"dataset.corruption.imbalanceClasses.{i}", $"{cls} is listed twice; classes must be distinct.");
        }
        return d;
    }

    static ModelConfig ValidateModel(ModelConfig m)
    {
        m = m with
        {
            Kind = Choice("model.kind", m.Kind, ConfigVocabulary.ModelKinds),
            Activation = Choice("model.activation", m.Activation, ConfigVocabulary.ModelActivations),
        };
        for (int i = 0; i < m.Hidden.Count; i++)
            Range($"model.hidden.{i}", m.Hidden[i], v => v >= 1, ">= 1 (a layer width)");
        Range("model.dropout", m.Dropout, v => v >= 0 && v < 1, "[0, 1)");
        return m;
    }

    static TrainingConfig ValidateTraining(TrainingConfig t)
    {
        t = t with
        {
            Optimizer = t.Optimizer with { Name = Choice("training.optimizer.name", t.Optimizer.Name, ConfigVocabulary.Optimizers) },
            Schedule = t.Schedule with { Name = Choice("training.schedule.name", t.Schedule.Name, ConfigVocabulary.Schedules) },
            EarlyStopping = t.EarlyStopping with
            {
                Metric = Choice("training.earlyStopping.metric", t.EarlyStopping.Metric, ConfigVocabulary.EarlyStoppingMetrics),
            },
        };
        Range("training.epochs", t.Epochs, v => v >= 1, ">= 1");
        Range("training.batchSize", t.BatchSize, v => v >= 1, ">= 1");
        Range("training.gradientClipNorm", t.GradientClipNorm, v => v >= 0, ">= 0 (0: no clipping)");
        Range("training.checkpointEvery", t.CheckpointEvery, v => v >= 0,
            ">= 0 (epochs between checkpoints; 0: by time, about once a minute)");
        var o = t.Optimizer;
        Range("training.optimizer.learningRate", o.LearningRate, v => v > 0, "> 0");
        Range("training.optimizer.momentum", o.Momentum, v => v >= 0 && v < 1, "[0, 1)");
        Range("training.optimizer.weightDecay", o.WeightDecay, v => v >= 0, ">= 0");
        if (o.Nesterov && (o.Name != "sgd" || o.Momentum <= 0))
            throw ConfigException.At("training.optimizer.nesterov", $"true needs optimizer sgd with momentum > 0 (have {o.Name}, " +
                                                                    $"momentum {Format(o.Momentum)}); valid: false, or set name sgd and momentum > 0.");
        if (o.Momentum > 0 && o.Name is "adam" or "adamw")
            throw ConfigException.At("training.optimizer.momentum",
                $"{Format(o.Momentum)} does not apply to {o.Name} (it uses betas); valid: 0, or name sgd or rmsprop.");
        var s = t.Schedule;
        Range("training.schedule.stepSize", s.StepSize, v => v >= 1, ">= 1");
        Range("training.schedule.gamma", s.Gamma, v => v > 0 && v <= 1, "(0, 1]");
        Range("training.schedule.minLearningRate", s.MinLearningRate, v => v >= 0, ">= 0");
        var e = t.EarlyStopping;
        Range("training.earlyStopping.patience", e.Patience, v => v >= 1, ">= 1");
        Range("training.earlyStopping.minDelta", e.MinDelta, v => v >= 0, ">= 0");
        return t;
    }

    /// <summary>Each entry checked on its own: its first problem goes to <paramref name="problems"/> and the next entry is checked.</summary>
    static IReadOnlyList<LossEntryConfig> ValidateLosses(ExperimentConfig c, List<ConfigException> problems)
    {
        if (c.Losses.Count == 0)
        {
            problems.Add(ConfigException.At("losses",
                "is empty; give at least one entry, e.g. [ { \"loss\": \"cross-entropy\" } ] (see harness list losses)."));
            return [];
        }
        var dataset = c.Dataset;
        bool regression = DatasetCatalog.IsRegression(dataset);
        int? classes = DatasetCatalog.ClassCount(dataset);
        string datasetText = dataset.Name == "csv" ? $"csv ({dataset.Csv.Task})" : dataset.Name;

        var result = new List<(int Index, LossEntryConfig Entry)>();
        for (int i = 0; i < c.Losses.Count; i++)
        {
            try { result.Add((i, ValidateLoss(c.Losses[i], $"losses.{i}", result, regression, classes, datasetText))); }
            catch (ConfigException e) { problems.Add(e); }
        }
        return result.Select(r => r.Entry).ToList();
    }

    static LossEntryConfig ValidateLoss(LossEntryConfig entry, string at, IReadOnlyList<(int Index, LossEntryConfig Entry)> earlier, bool regression,
        int? classes, string datasetText)
    {
        {
            if (string.IsNullOrWhiteSpace(entry.Loss))
                throw ConfigException.At($"{at}.loss", $"missing; give a loss name: {string.Join(", ", LossFit.TrainableLosses)}, " +
                                                       $"or builtin:<{string.Join("|", ConfigVocabulary.BuiltInLosses)}>.");
            var reference = LossReference.Parse(entry.Loss);
            var (registryName, builtIn) = (reference.Name, reference.IsBuiltIn);
            // Aliases (PyTorch's names, "pinball") resolve here; the resolved config records the registry name.
            var spec = reference.Spec;
            if (builtIn && !ConfigVocabulary.In(spec?.Name ?? registryName, ConfigVocabulary.BuiltInLosses))
            {
                var near = NearestName.Find(registryName, ConfigVocabulary.BuiltInLosses);
                throw ConfigException.At($"{at}.loss", $"'{entry.Loss}' has no libtorch built-in;" + (near is null ? "" : $" did you mean builtin:{near}?") +
                    $" valid: builtin:<{string.Join("|", ConfigVocabulary.BuiltInLosses)}>.");
            }
            if (spec is null)
            {
                var near = NearestName.Find(registryName, LossRegistry.Names);
                throw ConfigException.At($"{at}.loss", $"'{entry.Loss}' is not a loss;" +
                    (near is null ? "" : $" did you mean {(builtIn ? ConfigVocabulary.BuiltInPrefix : "")}{near}?") +
                    $" Valid: {string.Join(", ", LossFit.TrainableLosses)}, or builtin:<{string.Join("|", ConfigVocabulary.BuiltInLosses)}>.");
            }
            var canonical = reference.Canonical.ToString();
            var activation = string.IsNullOrWhiteSpace(entry.Activation)
                ? ""
                : Choice($"{at}.activation", entry.Activation, ConfigVocabulary.OutputActivations);
            var encoding = string.IsNullOrWhiteSpace(entry.TargetEncoding)
                ? ""
                : Choice($"{at}.targetEncoding", entry.TargetEncoding, ConfigVocabulary.TargetEncodings);

            // Options: resolved once, here, by the registry (names, types, ranges; per-class vector lengths when the class count
            // is known); the entry carries them to the resolved config and the binding.
            var options = new Dictionary<string, string>(entry.Options, StringComparer.OrdinalIgnoreCase);
            LossEntryOptions resolved;
            try
            {
                resolved = LossEntryOptions.Resolve(spec, options, classes);
            }
            catch (LossOptionException e)
            {
                // The option the registry's message names first (it may also suggest another name later on).
                var option = entry.Options.Keys
                    .Select(k => (Key: k, At: e.Message.IndexOf($"'{k}'", StringComparison.OrdinalIgnoreCase)))
                    .Where(x => x.At >= 0).OrderBy(x => x.At).Select(x => x.Key).FirstOrDefault();
                var path = option is null ? $"{at}.options" : $"{at}.options.{option}";
                throw ConfigException.At(path, e.Message);
            }

            if (LossFit.Check(spec, canonical, TargetEncodings.Find(encoding), regression, classes, datasetText) is { } problem)
                throw ConfigException.At($"{at}.{problem.Field}", problem.Message);
            // The head the entry makes (its encoding and activation, or the loss's defaults): what binding would refuse.
            if ((TargetEncodings.Find(encoding) ?? LossFit.DefaultEncoding(spec, regression)) is { } headEncoding
                && LossFit.CheckHead(headEncoding, OutputActivations.Find(activation) ?? LossFit.DefaultActivation(spec), regression) is { } head)
                throw ConfigException.At($"{at}.{head.Field}", head.Message);

            var label = string.IsNullOrWhiteSpace(entry.DisplayName) ? canonical : entry.DisplayName.Trim();
            if (label is "." or ".." || label.IndexOfAny(['/', '\\']) >= 0 || label.Any(char.IsControl))
                throw ConfigException.At($"{at}.displayName", $"'{label}' is not a valid display name (it names the run folder); no '/', " +
                                                              "'\\' or control characters, not '.' or '..'.");
            foreach (var (j, other) in earlier)
                if (Same(DisplayName(other), label))
                    throw ConfigException.At($"{at}.displayName", $"'{label}' is also the display name of losses.{j}; " +
                                                                  "display names must be distinct: set displayName on one of them.");

            return (entry with
            {
                Loss = canonical,
                DisplayName = entry.DisplayName.Trim(),
                Activation = activation,
                TargetEncoding = encoding,
                Options = options,
            }).WithResolvedOptions(resolved);
        }
    }

    static string Choice(string path, string value, IReadOnlyList<string> valid)
    {
        var match = valid.FirstOrDefault(v => Same(v, value));
        if (match != null) return match;
        var near = NearestName.Find(value ?? "", valid);
        throw ConfigException.At(path, $"'{value}' is not valid;" + (near is null ? "" : $" did you mean {near}?") + $" valid: {string.Join(", ", valid)}.");
    }

    static void Range(string path, double value, Func<double, bool> ok, string valid)
    {
        if (!ok(value)) throw ConfigException.At(path, $"{Format(value)} is out of range; valid: {valid}.");
    }

    static void Range(string path, int value, Func<int, bool> ok, string valid)
    {
        if (!ok(value)) throw ConfigException.At(path, $"{value.ToString(CultureInfo.InvariantCulture)} is out of range; valid: {valid}.");
    }

    static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    static bool Same(string? a, string? b) => string.Equals(a?.Trim(), b?.Trim(), StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex("^[A-Za-z0-9._-]+$")]
    private static partial Regex SafeName();
}

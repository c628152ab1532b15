using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Harness.Tests.Reporting;

/// <summary>
/// Writes a results folder by hand, in the layout `harness run` leaves (config.resolved.json, experiment.json,
/// runs/&lt;id&gt;/metrics.csv and summary.json), with known numbers, for the report tests.
/// </summary>
internal sealed class ResultsFolderBuilder : IDisposable
{
    public string Folder { get; }
    readonly bool classification;

    public ResultsFolderBuilder(bool classification, string name = "synthetic")
    {
        this.classification = classification;
        Folder = Path.Combine(Path.GetTempPath(), "harness-report-" + Guid.NewGuid().ToString("N"), name);
        Directory.CreateDirectory(Folder);
    }

    public void Dispose()
    {
        var root = Path.GetDirectoryName(Folder)!;
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
    }

    /// <summary>config.resolved.json with the given loss entries (loss, display name), seeds and baseline.</summary>
    public ResultsFolderBuilder Config(
        IEnumerable<(string Loss, string Display)> losses, int[] seeds, string baseline = "", double? target = null, string dataset = "digits")
    {
        var config = new JsonObject
        {
            ["name"] = Path.GetFileName(Folder),
            ["description"] = "Hand-written results for the report tests.",
            ["dataset"] = new JsonObject { ["name"] = dataset },
            ["losses"] = new JsonArray(losses.Select(l => (JsonNode?)new JsonObject
            {
                ["loss"] = l.Loss, ["displayName"] = l.Display, ["options"] = new JsonObject(), ["activation"] = "", ["targetEncoding"] = "",
            }).ToArray()),
            ["seeds"] = new JsonArray(seeds.Select(s => (JsonNode?)JsonValue.Create(s)).ToArray()),
            ["threads"] = 1,
            ["convergenceTarget"] = target,
            ["baseline"] = baseline,
        };
        File.WriteAllText(Path.Combine(Folder, "config.resolved.json"), config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        return this;
    }

    /// <summary>experiment.json as the runner writes it.</summary>
    public ResultsFolderBuilder Experiment(string dataset = "digits", int classes = 2)
    {
        var info = new JsonObject
        {
            ["name"] = Path.GetFileName(Folder),
            ["command"] = "harness run experiments/synthetic.json",
            ["device"] = "cpu",
            ["threads"] = 1,
            ["torchSharp"] = "0.107.0.0",
            ["dotnet"] = "10.0.0",
            ["os"] = "test OS",
            ["processors"] = 2,
            ["dataset"] = new JsonObject
            {
                ["name"] = dataset, ["source"] = "hand-written", ["task"] = classification ? "classification" : "regression",
                ["classes"] = classification ? classes : 0, ["featureShape"] = new JsonArray(4), ["train"] = 100, ["validation"] = 10, ["test"] = 20,
                ["notes"] = new JsonArray("a note"),
            },
            ["finished"] = true,
            ["seconds"] = 12.5,
        };
        File.WriteAllText(Path.Combine(Folder, "experiment.json"), info.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return this;
    }

    /// <summary>
    /// A finished run: metrics.csv with <paramref name="epochs"/> rows whose last row carries the final numbers, and
    /// summary.json. Classification: <paramref name="final"/> is the test accuracy; regression: the test RMSE. By default the
    /// validation curve equals the test curve and improves every epoch, so validation selects the final epoch;
    /// <paramref name="validationCurve"/> and <paramref name="testCurve"/> (one value per epoch) set them apart.
    /// </summary>
    public ResultsFolderBuilder Run(string id, string display, string registry, int seed, double final,
        int? epochsToTarget = null, double? yardstick = null, double[]? recall = null, double? mae = null, bool diverged = false,
        int epochs = 3, bool writeSummary = true, double[]? validationCurve = null, double[]? testCurve = null, double? learningRate = null,
        string runsSubfolder = "")
    {
        var dir = Path.Combine(Folder, "runs", runsSubfolder, id);
        Directory.CreateDirectory(dir);
        var lines = new List<string> { string.Join(",", Harness.Results.MetricsFile.Columns) };
        if (testCurve != null) epochs = testCurve.Length;
        var validation = new double[epochs];
        for (int e = 1; e <= epochs; e++)
        {
            // Scores move towards the final value; the training loss halves every epoch.
            var score = testCurve?[e - 1] ?? (e == epochs ? final : classification ? final - 0.1 * (epochs - e) : final + 5 * (epochs - e));
            validation[e - 1] = validationCurve?[e - 1] ?? score;
            var cells = new Dictionary<string, string>
            {
                ["epoch"] = e.ToString(CultureInfo.InvariantCulture),
                ["train_loss"] = F(Math.Pow(0.5, e)),
                ["learning_rate"] = F(learningRate ?? 0.001), ["mean_gradient_norm"] = "1.5", ["epoch_seconds"] = "0.1", ["samples_per_second"] = "1000",
                ["batch_order_hash"] = "0123456789abcdef",
                ["test_yardstick"] = F(yardstick ?? 0.5),
            };
            if (classification)
            {
                cells["validation_accuracy"] = F(validation[e - 1]);
                cells["test_accuracy"] = F(score);
                cells["train_accuracy"] = F(score);
                cells["test_balanced_accuracy"] = F(score);
                cells["test_macro_f1"] = F(score);
                cells["test_ece"] = F(1 - score);
                cells["test_brier"] = F(1 - score);
            }
            else
            {
                cells["validation_rmse"] = F(validation[e - 1]);
                cells["test_rmse"] = F(score);
                cells["test_mae"] = F(e == epochs && mae is { } m ? m : score * 0.8);
                cells["test_r2"] = "0.5";
            }
            lines.Add(string.Join(",", Harness.Results.MetricsFile.Columns.Select(c => cells.TryGetValue(c, out var v) ? v : "")));
        }
        File.WriteAllText(Path.Combine(dir, "metrics.csv"), string.Join("\n", lines) + "\n");
        if (!writeSummary) return this;
        // The first epoch with the best validation value, as the harness selects.
        int selected = 1;
        for (int e = 2; e <= epochs; e++)
            if (classification ? validation[e - 1] > validation[selected - 1] : validation[e - 1] < validation[selected - 1]) selected = e;
        var summary = new JsonObject
        {
            ["run"] = id, ["loss"] = display, ["registryName"] = registry, ["seed"] = seed, ["initialWeightsHash"] = "00",
            ["phase"] = runsSubfolder.Length == 0 ? "evaluation" : "tuning", ["learningRate"] = learningRate ?? 0.001,
            ["seconds"] = 1.25, ["selection"] = classification ? "validation accuracy" : "validation RMSE",
            ["selectedEpoch"] = selected, ["validationScoreAtSelectedEpoch"] = validation[selected - 1],
            ["testAtFinalEpoch"] = classification ? new JsonObject { ["accuracy"] = final } : new JsonObject { ["rmse"] = final },
            ["epochsToTarget"] = epochsToTarget, ["secondsToTarget"] = epochsToTarget * 0.1,
            ["areaUnderValidationCurve"] = final,
            ["testRecallPerClassAtFinalEpoch"] = recall is null ? null : new JsonArray(recall.Select(x => (JsonNode?)JsonValue.Create(x)).ToArray()),
            ["epochs"] = epochs, ["diverged"] = diverged, ["divergence"] = diverged ? "train loss became NaN in epoch 3" : null, ["stoppedEarly"] = false,
        };
        File.WriteAllText(Path.Combine(dir, "summary.json"), summary.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return this;
    }

    /// <summary>Adds a tuning block to config.resolved.json.</summary>
    public ResultsFolderBuilder Tuning(double[] rates, int[] seeds)
    {
        var path = Path.Combine(Folder, "config.resolved.json");
        var config = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        config["tuning"] = new JsonObject
        {
            ["learningRates"] = new JsonArray(rates.Select(r => (JsonNode?)JsonValue.Create(r)).ToArray()),
            ["seeds"] = new JsonArray(seeds.Select(r => (JsonNode?)JsonValue.Create(r)).ToArray()),
        };
        File.WriteAllText(path, config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        return this;
    }

    public string PathOf(params string[] parts) => Path.Combine([Folder, .. parts]);

    static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}

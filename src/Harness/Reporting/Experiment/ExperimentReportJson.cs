using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Harness.Reporting;

/// <summary>report.json of an experiment: the numbers of report.md, unrounded; null where a number is not defined.</summary>
public static class ExperimentReportJson
{
    static readonly JsonSerializerOptions Options = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The JSON text (ends with a newline).</summary>
    public static string Write(ExperimentAnalysis a, IReadOnlyList<ReportPlot> plots)
    {
        var r = a.Results;
        var root = new JsonObject
        {
            ["experiment"] = r.Name,
            ["description"] = r.Description,
            ["dataset"] = r.DatasetName,
            ["task"] = r.Classification ? "classification" : "regression",
            ["score"] = a.ScoreKey,
            ["higherIsBetter"] = r.Classification,
            ["confidenceLevel"] = a.Level,
            ["seeds"] = new JsonArray(r.Seeds.Select(s => (JsonNode?)JsonValue.Create(s)).ToArray()),
            ["baseline"] = r.Baseline?.DisplayName,
            ["convergenceTarget"] = r.ConvergenceTarget,
            ["ranking"] = new JsonArray(a.Ranked.Where(s => s.Rank != null).Select(s => (JsonNode?)JsonValue.Create(s.Loss.DisplayName)).ToArray()),
            ["losses"] = new JsonArray(a.Losses.Select(s => (JsonNode?)Loss(s)).ToArray()),
            ["missing"] = new JsonArray(a.Missing.Select(m => (JsonNode?)new JsonObject { ["loss"] = m.Loss, ["seed"] = m.Seed, ["reason"] = m.Reason }).ToArray()),
            ["warnings"] = new JsonArray(r.Warnings.Select(w => (JsonNode?)JsonValue.Create(w)).ToArray()),
            ["plots"] = new JsonArray(plots.Select(p => (JsonNode?)new JsonObject { ["name"] = p.Name, ["title"] = p.Title, ["png"] = p.Png, ["svg"] = p.Svg }).ToArray()),
            ["experimentInfo"] = r.ExperimentInfo?.DeepClone(),
            ["reportLibraries"] = new JsonObject(ExperimentReport.ReportLibraries().Select(l => KeyValuePair.Create(l.Name, (JsonNode?)JsonValue.Create(l.Version)))),
        };
        return root.ToJsonString(Options) + "\n";
    }

    static JsonObject Loss(LossStatistics s)
    {
        var metrics = new JsonObject();
        foreach (var (key, m) in s.Metrics) metrics[key] = Summary(m);
        var o = new JsonObject
        {
            ["loss"] = s.Loss.DisplayName,
            ["registryName"] = s.Loss.LossName,
            ["inConfig"] = s.Loss.InConfig,
            ["rank"] = s.Rank,
            ["finishedRuns"] = s.Runs,
            ["seeds"] = s.Seeds,
            ["diverged"] = s.Diverged,
            ["reachedTarget"] = s.ReachedTarget,
            ["finalScores"] = new JsonObject(s.FinalScores.OrderBy(kv => kv.Key)
                .Select(kv => KeyValuePair.Create(kv.Key.ToString(CultureInfo.InvariantCulture), (JsonNode?)Number(kv.Value)))),
            ["metrics"] = metrics,
            ["meanRecallPerClass"] = s.MeanRecallPerClass is { } rc ? new JsonArray(rc.Select(x => (JsonNode?)Number(x)).ToArray()) : null,
        };
        if (s.VersusBaseline is { } v)
            o["versusBaseline"] = new JsonObject
            {
                ["pairs"] = v.Differences.Count,
                ["seeds"] = new JsonArray(v.Seeds.Select(x => (JsonNode?)JsonValue.Create(x)).ToArray()),
                ["differences"] = new JsonArray(v.Differences.Select(x => (JsonNode?)Number(x)).ToArray()),
                ["difference"] = Summary(v.Summary),
                ["t"] = v.T is { } t ? Number(t) : null,
                ["p"] = v.PValue is { } p ? Number(p) : null,
                ["note"] = v.Note,
            };
        return o;
    }

    static JsonObject Summary(SampleSummary m) => new()
    {
        ["n"] = m.Count,
        ["mean"] = Number(m.Mean),
        ["sd"] = Number(m.StandardDeviation),
        ["ciLower"] = Number(m.Lower),
        ["ciUpper"] = Number(m.Upper),
        ["ciHalfWidth"] = Number(m.HalfWidth),
    };

    static JsonValue? Number(double v) => double.IsFinite(v) ? JsonValue.Create(v) : null;
}

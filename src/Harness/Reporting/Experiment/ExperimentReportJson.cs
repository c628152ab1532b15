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
            ["verdict"] = a.Verdict,
            ["rankBy"] = r.RankBy.Key,
            ["score"] = a.ScoreKey,
            ["scoreAt"] = a.AtSelectedEpoch ? "selected epoch" : "final epoch",
            ["higherIsBetter"] = r.RankBy.HigherIsBetter,
            ["alpha"] = a.Alpha,
            ["tiedBest"] = new JsonArray(a.VersusBest.Standings.Where(x => x.HasScores && x.TiedWithReference)
                .Select(x => (JsonNode?)JsonValue.Create(x.Name)).ToArray()),
            ["minimumDetectableDifference"] = a.VersusBest.MinimumDetectableDifference is { } mdd ? Number(mdd) : null,
            ["tuning"] = a.Tuning.Count == 0 ? null : new JsonObject(a.Tuning.Select(kv => KeyValuePair.Create(kv.Key.DisplayName, (JsonNode?)new JsonObject
            {
                ["chosen"] = kv.Value.Chosen,
                ["allDiverged"] = kv.Value.AllDiverged,
                ["candidates"] = new JsonArray(kv.Value.Candidates.Select(c => (JsonNode?)new JsonObject
                {
                    ["learningRate"] = c.LearningRate,
                    ["validationScores"] = new JsonArray(c.Scores.Select(x => (JsonNode?)Number(x)).ToArray()),
                    ["mean"] = Number(c.Mean),
                }).ToArray()),
            }))),
            ["confidenceLevel"] = a.Level,
            ["seeds"] = new JsonArray(r.Seeds.Select(s => (JsonNode?)JsonValue.Create(s)).ToArray()),
            ["baseline"] = r.Baseline?.DisplayName,
            ["convergenceTarget"] = r.ConvergenceTarget,
            ["ranking"] = new JsonArray(a.Ranked.Where(s => s.Rank != null).Select(s => (JsonNode?)JsonValue.Create(s.Loss.DisplayName)).ToArray()),
            ["losses"] = new JsonArray(a.Losses.Select(s => (JsonNode?)Loss(s)).ToArray()),
            ["missing"] = new JsonArray(a.Missing
                .Select(m => (JsonNode?)new JsonObject { ["loss"] = m.Loss, ["seed"] = m.Seed, ["reason"] = m.Reason }).ToArray()),
            ["warnings"] = new JsonArray(r.Warnings.Select(w => (JsonNode?)JsonValue.Create(w)).ToArray()),
            ["plots"] = new JsonArray(plots
                .Select(p => (JsonNode?)new JsonObject { ["name"] = p.Name, ["title"] = p.Title, ["png"] = p.Png, ["svg"] = p.Svg }).ToArray()),
            ["experimentInfo"] = r.ExperimentInfo?.DeepClone(),
            ["reportLibraries"] = new JsonObject(ExperimentReport.ReportLibraries()
                .Select(l => KeyValuePair.Create(l.Name, (JsonNode?)JsonValue.Create(l.Version)))),
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
            ["learningRate"] = s.LearningRate,
            ["scores"] = new JsonObject(s.Scores.OrderBy(kv => kv.Key)
                .Select(kv => KeyValuePair.Create(kv.Key.ToString(CultureInfo.InvariantCulture), (JsonNode?)Number(kv.Value)))),
            ["metrics"] = metrics,
            ["meanRecallPerClass"] = s.MeanRecallPerClass is { } rc ? new JsonArray(rc.Select(x => (JsonNode?)Number(x)).ToArray()) : null,
        };
        if (s.VersusBest is { IsReference: false } best) o["versusBest"] = Standing(best);
        if (s.VersusBaseline is { } v) o["versusBaseline"] = Standing(v);
        return o;
    }

    static JsonObject Standing(Statistics.ContenderStanding s)
    {
        var o = new JsonObject
        {
            ["bootstrapLower"] = Number(s.Bootstrap.Lower),
            ["bootstrapUpper"] = Number(s.Bootstrap.Upper),
            ["p"] = s.PValue is { } p ? Number(p) : null,
            ["adjustedP"] = s.AdjustedPValue is { } ap ? Number(ap) : null,
            ["effectSizeDz"] = s.EffectSize is { } d ? Number(d) : null,
            ["tied"] = s.TiedWithReference,
            ["note"] = s.Note,
        };
        if (s.Comparison is { } c)
        {
            o["pairs"] = c.Differences.Count;
            o["seeds"] = new JsonArray(c.Seeds.Select(x => (JsonNode?)JsonValue.Create(x)).ToArray());
            o["differences"] = new JsonArray(c.Differences.Select(x => (JsonNode?)Number(x)).ToArray());
            o["difference"] = Summary(c.Summary);
            o["t"] = c.T is { } t ? Number(t) : null;
        }
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

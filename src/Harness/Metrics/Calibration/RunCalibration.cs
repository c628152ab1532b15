using System.Text.Json.Nodes;

namespace Harness.Metrics.Calibration;

/// <summary>
/// Calibration of a classification run's final model on the test split, for its summary.json: the metrics and the
/// reliability bins, and, when temperature scaling is on, the temperature fitted on the validation split and the test
/// metrics after it (accuracy cannot change: dividing every logit by one positive number keeps the argmax).
/// </summary>
/// <param name="Before">Test calibration of the model as trained.</param>
/// <param name="Temperature">The fitted temperature; null when temperature scaling is off.</param>
/// <param name="After">Test calibration after dividing the logits by <paramref name="Temperature"/>; null when off.</param>
/// <param name="ValidationNllBefore">Validation NLL before scaling (what the fit minimizes); null when off.</param>
/// <param name="ValidationNllAfter">Validation NLL after scaling; null when off.</param>
public sealed record RunCalibration(
    CalibrationMetrics Before, double? Temperature, CalibrationMetrics? After, double? ValidationNllBefore, double? ValidationNllAfter)
{
    /// <summary>The JSON object summary.json holds (NaN written as null; JSON has no NaN).</summary>
    public JsonObject ToJson()
    {
        var o = new JsonObject { ["before"] = Metrics(Before), ["reliability"] = Bins(Before.Reliability) };
        if (Temperature is { } t)
        {
            o["temperature"] = t;
            o["after"] = After is null ? null : Metrics(After);
            o["afterReliability"] = After is null ? null : Bins(After.Reliability);
            o["validationNllBefore"] = Number(ValidationNllBefore);
            o["validationNllAfter"] = Number(ValidationNllAfter);
        }
        return o;
    }

    static JsonObject Metrics(CalibrationMetrics m) => new()
    {
        ["nll"] = Number(m.Nll), ["brier"] = Number(m.Brier), ["ece"] = Number(m.Ece), ["adaptiveEce"] = Number(m.AdaptiveEce),
        ["classwiseEce"] = Number(m.ClasswiseEce), ["samples"] = m.Count,
    };

    static JsonArray Bins(IReadOnlyList<ReliabilityBin> bins) => new(bins.Select(b => (JsonNode?)new JsonObject
    {
        ["lower"] = b.Lower, ["upper"] = b.Upper, ["count"] = b.Count, ["meanConfidence"] = Number(b.MeanConfidence), ["accuracy"] = Number(b.Accuracy),
    }).ToArray());

    static JsonNode? Number(double? v) => v is { } d && double.IsFinite(d) ? JsonValue.Create(d) : null;
}

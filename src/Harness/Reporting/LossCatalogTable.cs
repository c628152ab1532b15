using CustomLosses.Catalog;

namespace Harness.Reporting;

/// <summary>The loss catalogue as rows (for the console) and as a Markdown table (for docs/losses.md).</summary>
public static class LossCatalogTable
{
    /// <summary>Column headers.</summary>
    public static readonly string[] Headers = ["name", "also accepted as", "task", "model output", "target", "options (default)", "validated against"];

    /// <summary>The losses the catalogue lists: the library's own (plugins' losses are shown by <c>list losses</c>, not documented here).</summary>
    public static IEnumerable<LossSpec> Specs(bool builtInOnly = false) =>
        LossRegistry.All.Where(s => !builtInOnly || s.Origin == LossSpec.BuiltInOrigin);

    /// <summary>One row per registered loss.</summary>
    public static IEnumerable<string[]> Rows(bool builtInOnly = false) => Specs(builtInOnly).Select(Row);

    /// <summary>The catalogue row of one loss.</summary>
    public static string[] Row(LossSpec s) => new[]
    {
        s.Name,
        LossAliases.Of(s).Any() ? string.Join(", ", LossAliases.Of(s)) : "-",
        Describe(s.Task),
        Describe(s.ExpectedOutput),
        Describe(s.Target),
        s.Options.Count == 0 ? "-" : string.Join(", ", s.Options.Select(o => $"{o.Name} ({o.DefaultText}; {o.ValidRange})")),
        s.Reference,
    };

    /// <summary>The catalogue as a GitHub Markdown table.</summary>
    public static string ToMarkdown()
    {
        var lines = new List<string>
        {
            "| " + string.Join(" | ", Headers) + " |",
            "|" + string.Concat(Enumerable.Repeat("---|", Headers.Length)),
        };
        lines.AddRange(Rows(builtInOnly: true).Select(r => "| " + string.Join(" | ", r.Select(c => c.Replace("|", "\\|"))) + " |"));
        return string.Join("\n", lines) + "\n";
    }

    static string Describe(LossTask t) => t switch
    {
        LossTask.Regression => "regression",
        LossTask.MultiClass => "multi-class",
        LossTask.BinaryOrMultiLabel => "binary / multi-label",
        _ => "pairs / embeddings",
    };

    static string Describe(ModelOutput o) => o switch
    {
        ModelOutput.Logits => "logits",
        ModelOutput.Probabilities => "probabilities",
        ModelOutput.LogProbabilities => "log-probabilities",
        ModelOutput.RealValues => "real values",
        _ => "embeddings",
    };

    static string Describe(TargetEncoding e) => e switch
    {
        TargetEncoding.ClassIndex => "class index",
        TargetEncoding.ClassIndexOrProbabilities => "class index or probabilities",
        TargetEncoding.Probabilities => "probabilities",
        TargetEncoding.ZeroOne => "{0,1}",
        TargetEncoding.PlusMinusOne => "{-1,+1}",
        TargetEncoding.Real => "real",
        TargetEncoding.Counts => "counts",
        _ => "class indices, -1 padded",
    };
}

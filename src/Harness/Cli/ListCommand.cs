using System.CommandLine;
using System.Globalization;
using CustomLosses.Catalog;
using Harness.Config;
using Harness.Data;
using Harness.Metrics;
using Harness.Reporting;
using Spectre.Console;

namespace Harness.Cli;

/// <summary>
/// <c>harness list losses|datasets|models|optimizers|metrics</c>: what a config can name. Tables fit the terminal, or
/// print as plain columns when the output is piped; <c>list losses --markdown [--update FILE]</c> writes the catalogue
/// that docs/losses.md carries.
/// </summary>
public static class ListCommand
{
    const string CatalogueBegin = "<!-- loss-catalogue:begin -->\n", CatalogueEnd = "<!-- loss-catalogue:end -->";

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var markdown = new Option<bool>("--markdown") { Description = "Print a Markdown table (as in docs/losses.md)." };
        var update = new Option<string?>("--update")
        {
            Description = "With --markdown: rewrite the catalogue between the loss-catalogue markers of this file (e.g. docs/losses.md).",
        };
        var plugins = PluginOption.Create();
        var losses = new Command("losses",
            "List every loss: aliases, task, expected model output, target encoding, options, reference; with plugins, where each came from.")
        {
            markdown, update, plugins,
        };
        losses.SetAction(parse => CommandRunner.Run(() =>
        {
            if (parse.GetValue(update) is { } file) return UpdateCatalogue(file);
            PluginOption.LoadAll(parse, plugins);
            if (parse.GetValue(markdown)) Console.Write(LossCatalogTable.ToMarkdown());
            else if (LossRegistry.All.Any(s => s.Origin != LossSpec.BuiltInOrigin))
                Show([.. LossCatalogTable.Headers, "from"],
                    LossCatalogTable.Specs().Select(s => (IReadOnlyList<string>)[.. LossCatalogTable.Row(s), s.Origin]).ToList());
            else Show(LossCatalogTable.Headers, LossCatalogTable.Rows().ToList());
            return ExitCodes.Success;
        }));

        var datasets = Simple("datasets", "List the datasets: task, classes, features, source and licence.", () => (
            ["name", "task", "classes", "features", "source", "licence"],
            DatasetCatalog.All.Select(d =>
            {
                var defaults = new DatasetConfig { Name = d.Name };
                var task = d.Task is null ? "from the target column" : d.IsRegression(defaults) ? "regression" : "classification";
                var classes = d.ClassCount(defaults) is { } k
                    ? (d.ClassesSetting is { } setting ? $"{k} ({setting})" : k.ToString(CultureInfo.InvariantCulture))
                    : task == "regression" ? "-" : "from the data";
                return (IReadOnlyList<string>)[d.Name, task, classes, d.FeatureShape, d.Source, d.Licence];
            }).ToList()));
        var models = Simple("models", "List the model kinds and hidden-layer activations.", () => (["setting", "values"],
            [["model.kind", string.Join(", ", ConfigVocabulary.ModelKinds)], ["model.activation", string.Join(", ", ConfigVocabulary.ModelActivations)]]));
        var optimizers = Simple("optimizers", "List the optimizers and learning-rate schedules.", () => (["setting", "values"],
            [
                ["training.optimizer.name", string.Join(", ", ConfigVocabulary.Optimizers)],
                ["training.schedule.name", string.Join(", ", ConfigVocabulary.Schedules)],
            ]));
        var metrics = Simple("metrics", "List the test metrics rankBy accepts.", () => (["rankBy", "task", "better"],
            ScoreMetric.For(true).Select(m => (m, "classification")).Concat(ScoreMetric.For(false).Select(m => (m, "regression")))
                .Select(x => (IReadOnlyList<string>)[x.m.Key, x.Item2, x.m.HigherIsBetter ? "higher" : "lower"]).ToList()));
        return new Command("list", "List what the harness knows: losses, datasets, models, optimizers, metrics.")
        {
            losses, datasets, models, optimizers, metrics,
        };
    }

    static Command Simple(string name, string description, Func<(IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows)> rows)
    {
        var command = new Command(name, description);
        command.SetAction(_ => CommandRunner.Run(() =>
        {
            var (header, body) = rows();
            Show(header, body);
            return ExitCodes.Success;
        }));
        return command;
    }

    static void Show(IReadOnlyList<string> header, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        if (Console.IsOutputRedirected)
        {
            PlainColumns.Write(Console.Out, header, rows, indent: "");
            return;
        }
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var h in header) table.AddColumn(Markup.Escape(h));
        foreach (var row in rows) table.AddRow(row.Select(Markup.Escape).ToArray());
        AnsiConsole.Write(table);
    }

    /// <summary>Replaces the catalogue between the markers of <paramref name="file"/> with the registry's, so nobody pastes tables.</summary>
    static int UpdateCatalogue(string file)
    {
        string text;
        try { text = File.ReadAllText(file).Replace("\r\n", "\n"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new UsageException($"--update {file}: cannot be read: {e.Message}");
        }
        var start = text.IndexOf(CatalogueBegin, StringComparison.Ordinal);
        var stop = text.IndexOf(CatalogueEnd, StringComparison.Ordinal);
        if (start < 0 || stop < start)
            throw new UsageException($"--update {file}: no '{CatalogueBegin.Trim()}' ... '{CatalogueEnd}' markers; add them where the catalogue goes.");
        var updated = text[..(start + CatalogueBegin.Length)] + LossCatalogTable.ToMarkdown() + text[stop..];
        Output.AtomicFile.WriteAllText(file, updated);
        Console.WriteLine(updated == text ? $"{file}: the catalogue was already current." : $"{file}: catalogue updated.");
        return ExitCodes.Success;
    }
}

using System.CommandLine;
using Harness.Reporting;
using Spectre.Console;

namespace Harness.Cli;

/// <summary><c>harness list losses [--markdown]</c>: the loss catalogue.</summary>
public static class ListCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var markdown = new Option<bool>("--markdown") { Description = "Print a Markdown table (as in docs/losses.md)." };
        var losses = new Command("losses", "List every loss: task, expected model output, target encoding, options, reference.") { markdown };
        losses.SetAction(parse => CommandRunner.Run(() =>
        {
            if (parse.GetValue(markdown))
            {
                Console.Write(LossCatalogTable.ToMarkdown());
                return ExitCodes.Success;
            }
            var table = new Table().Border(TableBorder.Rounded);
            foreach (var h in LossCatalogTable.Headers) table.AddColumn(h);
            foreach (var row in LossCatalogTable.Rows()) table.AddRow(row.Select(Markup.Escape).ToArray());
            AnsiConsole.Write(table);
            return ExitCodes.Success;
        }));
        return new Command("list", "List what the harness knows.") { losses };
    }
}

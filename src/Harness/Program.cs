using System.CommandLine;
using Harness.Cli;
using Spectre.Console;

// Redirected output (CI logs, files) has no terminal width; Spectre would wrap tables at 80 columns.
if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = 160;

var root = new RootCommand("harness: train identical networks with different losses, and validate custom losses against libtorch.")
{
    RunCommand.Create(),
    ReportCommand.Create(),
    ValidateCommand.Create(),
    ListCommand.Create(),
};
var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    // "Required command was not provided" only distracts from the error that names the word it did not know.
    var errors = parse.Errors.Count > 1
        ? parse.Errors.Where(e => !e.Message.StartsWith("Required command", StringComparison.Ordinal)).ToList()
        : [.. parse.Errors];
    foreach (var error in errors) Console.Error.WriteLine("error: " + error.Message);
    var commandName = parse.CommandResult.Command == root ? "" : " " + parse.CommandResult.Command.Name;
    Console.Error.WriteLine($"Run 'harness{commandName} --help' for usage.");
    return ExitCodes.BadInput;
}
return parse.Invoke();

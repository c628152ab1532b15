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
    foreach (var error in parse.Errors) Console.Error.WriteLine("error: " + error.Message);
    Console.Error.WriteLine("Run 'harness --help' for usage.");
    return ExitCodes.BadInput;
}
return parse.Invoke();

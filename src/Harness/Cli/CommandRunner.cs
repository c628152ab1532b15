using CustomLosses.Catalog;
using Harness.Config;
using Harness.Data;
using Harness.Training;
using Spectre.Console;

namespace Harness.Cli;

/// <summary>Runs a command body, turning bad input into one clear message and exit code 2.</summary>
public static class CommandRunner
{
    /// <summary>Runs <paramref name="body"/>; usage and option errors print their message only.</summary>
    public static int Run(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (e is UsageException or LossOptionException or ConfigException or DataException or ExperimentSetupException)
        {
            Console.Error.WriteLine("error: " + e.Message);
            return ExitCodes.BadInput;
        }
    }
}

using CustomLosses.Catalog;
using Harness.Config;
using Harness.Data;
using Harness.Output;
using Harness.Training;

namespace Harness.Cli;

/// <summary>
/// Runs a command body, turning every failure into one message without a stack trace: bad input exits 2, a
/// file-system failure exits 4 (the message names the operation and the path), anything unexpected exits 70.
/// </summary>
public static class CommandRunner
{
    /// <summary>Runs <paramref name="body"/>; usage and option errors print their message only.</summary>
    public static int Run(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (e is UsageException or LossOptionException or ConfigException or DataException or ExperimentSetupException
            or Plugins.PluginException or LossRegistrationException)
        {
            Console.Error.WriteLine("error: " + e.Message);
            return ExitCodes.BadInput;
        }
        catch (Exception e) when (e is FolderLockedException or InvalidDataException or Results.ResultsFolderException)
        {
            // A damaged results file and a folder in use are the user's to fix, like bad input.
            Console.Error.WriteLine("error: " + e.Message);
            return ExitCodes.BadInput;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine("error: " + (e is FileSystemException ? e.Message : "file system: " + e.Message));
            return ExitCodes.Environment;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"error: internal error (a harness bug, please report it): {e.GetType().Name}: {e.Message}");
            return ExitCodes.InternalError;
        }
    }
}

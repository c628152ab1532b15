using System.Diagnostics;

namespace Harness.Cli;

/// <summary>
/// <c>harness run --jobs N</c>: the grid's runs in N worker processes at once, each a shard of the grid
/// (<c>--shard k/N --no-report</c>) into the one results folder, then one report. Processes, not threads: libtorch's
/// thread pool and its random generator (dropout) are per process, so runs in one process would share both, and the
/// results would no longer be those of sequential runs. With learning-rate tuning each worker trains its tuning runs,
/// waits until every worker's have ended (<c>--wait-for-tuning</c>), then trains its evaluation runs at the rates the
/// tuning chose. Each run trains exactly as it would alone.
/// </summary>
public static class ParallelRun
{
    /// <summary>What a worker needs beyond its shard.</summary>
    /// <param name="ConfigPath">The experiment file, as given.</param>
    /// <param name="Overrides">The --set overrides, as given.</param>
    /// <param name="OutputRoot">The results root (the workers' --output).</param>
    /// <param name="Device">The --device given, if any.</param>
    /// <param name="Jobs">How many workers run at once.</param>
    /// <param name="ThreadsPerJob">Torch threads per worker when the config leaves threads to the machine (0: leave them).</param>
    /// <param name="Log">Where the workers' progress lines go (null: nowhere).</param>
    public sealed record Workers(
        string ConfigPath, IReadOnlyList<string> Overrides, string OutputRoot, string? Device, int Jobs, int ThreadsPerJob, TextWriter? Log);

    /// <summary>
    /// Runs every shard in its own process; returns the exit code that sums them up: the first input or environment
    /// failure of a worker (2, 4, 70), else 3 when a run failed, else 0.
    /// </summary>
    public static int RunShards(Workers workers, bool resume)
    {
        var codes = RunAll(workers, resume);
        return codes.FirstOrDefault(c => c is not (ExitCodes.Success or ExitCodes.RunsFailed),
            codes.Contains(ExitCodes.RunsFailed) ? ExitCodes.RunsFailed : ExitCodes.Success);
    }

    static int[] RunAll(Workers workers, bool resume)
    {
        var processes = Enumerable.Range(1, workers.Jobs).Select(k => Start(workers, k, resume)).ToList();
        // Ctrl-C or a kill of this process ends the workers too; their folders resume as any killed run's do.
        void KillAll(object? sender, EventArgs e)
        {
            foreach (var p in processes)
                try { if (!p.HasExited) p.Kill(entireProcessTree: true); }
                catch (InvalidOperationException) { }
        }
        Console.CancelKeyPress += KillAll;
        AppDomain.CurrentDomain.ProcessExit += KillAll;
        try
        {
            // A worker that stops abnormally leaves tuning runs the others would wait for: stop them too (the folder resumes).
            while (processes.Any(p => !p.HasExited))
            {
                if (processes.Any(p => p.HasExited && p.ExitCode is not (ExitCodes.Success or ExitCodes.RunsFailed))) KillAll(null, EventArgs.Empty);
                Thread.Sleep(100);
            }
            foreach (var p in processes) p.WaitForExit();
            return processes.Select(p => p.ExitCode).ToArray();
        }
        finally
        {
            Console.CancelKeyPress -= KillAll;
            AppDomain.CurrentDomain.ProcessExit -= KillAll;
            foreach (var p in processes) p.Dispose();
        }
    }

    static Process Start(Workers workers, int k, bool resume)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, RedirectStandardError = true };
        // Under `dotnet harness.dll` the process is dotnet and the first argument the assembly.
        var self = Environment.GetCommandLineArgs()[0];
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet") start.ArgumentList.Add(self);
        foreach (var a in Arguments(workers, k, resume)) start.ArgumentList.Add(a);
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start a worker process");
        var prefix = $"[job {k}/{workers.Jobs}] ";
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line && workers.Log != null) lock (workers) workers.Log.WriteLine(prefix + line);
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 } line) lock (workers) Console.Error.WriteLine(prefix + line); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>A worker's command line after <c>harness</c>.</summary>
    public static IReadOnlyList<string> Arguments(Workers workers, int k, bool resume)
    {
        var args = new List<string> { "run", workers.ConfigPath };
        foreach (var o in workers.Overrides) args.AddRange(["--set", o]);
        args.AddRange(["--output", workers.OutputRoot, "--shard", $"{k}/{workers.Jobs}", "--no-report", "--wait-for-tuning"]);
        if (workers.Device != null) args.AddRange(["--device", workers.Device]);
        if (resume) args.Add("--resume");
        if (workers.ThreadsPerJob > 0) args.AddRange(["--auto-threads", workers.ThreadsPerJob.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        return args;
    }
}

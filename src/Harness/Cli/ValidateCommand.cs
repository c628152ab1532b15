using System.CommandLine;
using System.Diagnostics;
using CustomLosses.Catalog;
using Harness.Reporting;
using Harness.Validation;
using Harness.Validation.TrainingParity;
using Spectre.Console;
using static TorchSharp.torch;

namespace Harness.Cli;

/// <summary>
/// <c>harness validate</c>: checks every custom loss (or those named) against libtorch, a float64 formula
/// and finite differences; prints a table, writes report.md and report.json, exits 1 on any failure. With
/// <c>--train</c> it instead trains each loss side by side with its twin, or its composed formula in float64
/// (training-parity.md; exit 1 when a loss is divergent or a control fails).
/// </summary>
public static class ValidateCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var losses = new Option<string?>("--losses") { Description = "Comma-separated loss names (default: all). See `harness list losses`." };
        var dtype = new Option<string>("--dtype") { Description = "float32, float64 or both.", DefaultValueFactory = _ => "both" };
        dtype.AcceptOnlyFromAmong("float32", "float64", "both");
        var device = new Option<string>("--device") { Description = "cpu, cuda or auto.", DefaultValueFactory = _ => "cpu" };
        device.AcceptOnlyFromAmong(DeviceOption.Values);
        var output = new Option<string>("--output")
        {
            Description = "Folder for report.md and report.json.",
            DefaultValueFactory = _ => Path.Combine("results", "validation"),
        };
        var seed = new Option<long>("--seed") { Description = "Seed of the random cases.", DefaultValueFactory = _ => ParityValidator.DefaultSeed };

        var train = new Option<bool>("--train")
        {
            Description = "Instead: train each loss side by side with its libtorch twin " +
                "(without one: its composed formula, in float64), step by step (training-parity.md).",
        };
        var steps = new Option<int>("--steps")
        {
            Description = "With --train: optimizer steps per run.",
            DefaultValueFactory = _ => new ParitySettings().Steps,
        };
        var trainData = new Option<string>("--train-dataset")
        {
            Description = "With --train: data set of the classification losses.",
            DefaultValueFactory = _ => "digits",
        };
        trainData.AcceptOnlyFromAmong("digits", "fashion-mnist");
        var fashionRoot = new Option<string>("--fashion-mnist-root")
        {
            Description = "With --train-dataset fashion-mnist: folder of its IDX files.",
            DefaultValueFactory = _ => new ParitySettings().FashionMnistRoot,
        };

        var plugins = PluginOption.Create();

        var command = new Command("validate", "Validate the custom losses against libtorch's built-ins, a float64 formula and finite differences.")
        {
            losses, dtype, device, output, seed, train, steps, trainData, fashionRoot, plugins,
        };
        command.SetAction(parse => CommandRunner.Run(() =>
        {
            PluginOption.LoadAll(parse, plugins);
            return parse.GetValue(train)
                ? ExecuteTraining(parse.GetValue(losses), parse.GetValue(output)!, parse.GetValue(steps), parse.GetValue(trainData)!,
                    parse.GetValue(fashionRoot)!)
                : Execute(parse.GetValue(losses), parse.GetValue(dtype)!, parse.GetValue(device)!, parse.GetValue(output)!, parse.GetValue(seed));
        }));
        return command;
    }

    /// <summary>Runs a training-parity check (CPU); returns the exit code.</summary>
    public static int ExecuteTraining(string? lossList, string output, int steps, string dataset, string fashionMnistRoot)
    {
        if (steps < 1) throw new UsageException($"--steps must be at least 1, not {steps}.");
        var checks = SelectChecks(lossList);
        var settings = new ParitySettings { Steps = steps, ClassificationDataset = dataset, FashionMnistRoot = fashionMnistRoot };
        ParityRun run;
        try { run = TrainingParityValidator.Run(checks, settings, name => Console.WriteLine($"training {name} ...")); }
        catch (ArgumentException e) { throw new UsageException("--train-dataset: " + e.Message); }

        var table = new Table().Border(TableBorder.Rounded)
            .AddColumns("pair", "verdict", "first step out", "parameter drift (last)", "yardstick (last)", "worst drift / envelope");
        foreach (var r in run.Results)
            table.AddRow(Markup.Escape(r.Name),
                r.Verdict == ParityVerdict.Divergent ? "[red]divergent[/]" : r.Verdict.Name(),
                r.FirstDivergentStep?.ToString() ?? "-",
                TrainingParityReportWriter.Format(r.FinalParameterDrift), TrainingParityReportWriter.Format(r.FinalYardstickDrift),
                r.Verdict == ParityVerdict.BitIdentical ? "0" : r.WorstEnvelopeRatio.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture));
        AnsiConsole.Write(table);
        foreach (var s in run.Skipped) AnsiConsole.MarkupLineInterpolated($"[yellow]left out[/] {s.Name}: {s.Reason}");
        var commandLine = "harness " + string.Join(" ", Environment.GetCommandLineArgs().Skip(1));
        var (md, json) = TrainingParityReportWriter.Write(run, output, commandLine);
        AnsiConsole.MarkupLineInterpolated($"Reports: {md}, {json} ({run.Elapsed.TotalSeconds:0} s)");
        if (!TrainingParityValidator.ControlsHold(run))
        {
            AnsiConsole.MarkupLine("[red]A control failed: the twin against itself must be bit-identical and the planted error divergent.[/]");
            return ExitCodes.Failed;
        }
        var divergent = run.Results.Count(r => r.Verdict == ParityVerdict.Divergent && !r.Name.StartsWith("control:", StringComparison.Ordinal));
        if (divergent > 0)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]{divergent} losses train divergently from their twins.[/]");
            return ExitCodes.Failed;
        }
        AnsiConsole.MarkupLine("[green]Every loss trains like its twin (bit-identical or rounding-level).[/]");
        return ExitCodes.Success;
    }

    /// <summary>Runs a validation; returns the exit code.</summary>
    public static int Execute(string? lossList, string dtype, string deviceName, string output, long seed)
    {
        if (string.IsNullOrWhiteSpace(output)) throw new UsageException("--output is empty: pass the folder for report.md and report.json.");
        if (File.Exists(output)) throw new UsageException($"--output '{output}' is a file; pass a folder for report.md and report.json.");
        var checks = SelectChecks(lossList);
        var dev = DeviceOption.Resolve(deviceName, m => AnsiConsole.MarkupLineInterpolated($"[yellow]{m}[/]"));
        ScalarType[] dtypes = dtype switch
        {
            "float32" => [ScalarType.Float32],
            "float64" => [ScalarType.Float64],
            _ => [ScalarType.Float64, ScalarType.Float32],
        };
        var validator = new ParityValidator(dev, dtypes, seed);
        var watch = Stopwatch.StartNew();
        var results = new List<LossValidationResult>();

        void RunAll(Action<LossCheck>? before, Action? after)
        {
            foreach (var check in checks)
            {
                before?.Invoke(check);
                results.Add(validator.Validate(check));
                after?.Invoke();
            }
        }

        if (AnsiConsole.Profile.Capabilities.Interactive && !Console.IsOutputRedirected)
        {
            AnsiConsole.Progress().AutoClear(true)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask("validating", maxValue: checks.Count);
                    RunAll(c => task.Description = $"validating {c.LossName}", () => task.Increment(1));
                });
        }
        else
        {
            RunAll(c => Console.WriteLine($"validating {c.LossName} ..."), null);
        }

        var run = new ValidationRun
        {
            Results = results,
            DTypes = dtypes.Select(d => d == ScalarType.Float64 ? "float64" : "float32").ToList(),
            Device = dev.type.ToString().ToLowerInvariant(),
            Seed = seed,
            Elapsed = watch.Elapsed,
        };
        PrintTable(run);
        var commandLine = "harness " + string.Join(" ", Environment.GetCommandLineArgs().Skip(1));
        var (md, json) = ValidationReportWriter.Write(run, output, commandLine);
        AnsiConsole.MarkupLineInterpolated($"Reports: {md}, {json} ({run.Elapsed.TotalSeconds:0.0} s)");
        var defects = run.Results.Sum(r => r.BuiltInDefects.Count);
        if (defects > 0)
            AnsiConsole.MarkupLineInterpolated(
                $"[yellow]{defects} disagreements are defects of libtorch/TorchSharp built-ins (not of the custom losses): see the report.[/]");
        if (run.Passed)
        {
            AnsiConsole.MarkupLineInterpolated($"[green]All {run.Results.Count} losses pass.[/]");
            return ExitCodes.Success;
        }
        AnsiConsole.MarkupLineInterpolated($"[red]{run.Results.Count(r => !r.Passed)} of {run.Results.Count} losses FAIL.[/]");
        return ExitCodes.Failed;
    }

    static List<LossCheck> SelectChecks(string? lossList)
    {
        if (string.IsNullOrWhiteSpace(lossList)) return LossCheckCatalog.All.ToList();
        var checks = new List<LossCheck>();
        foreach (var name in lossList.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            try { LossRegistry.Get(name); }
            catch (LossOptionException e) { throw new UsageException("--losses: " + e.Message); }
            // Every registered loss has a check: its hand-written one, or one generated from its spec (plugins).
            var check = LossCheckCatalog.Find(name) ?? throw new InvalidOperationException($"loss '{name}' is registered but has no check.");
            if (!checks.Contains(check)) checks.Add(check); // a loss named twice is validated once
        }
        return checks;
    }

    static void PrintTable(ValidationRun run)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumns("loss", "validated against", "cases", "worst value error", "worst gradient error", "result");
        foreach (var r in run.Results)
            table.AddRow(
                Markup.Escape(r.Loss),
                Markup.Escape(r.ComparedAgainst.Replace("torch.nn.functional.", "F.").Replace("float64 formula", "formula")
                    .Replace("finite differences", "FD")),
                r.Cases.ToString(),
                ValidationReportWriter.FormatError(r.WorstValueError),
                ValidationReportWriter.FormatError(r.WorstGradientError),
                r.Passed ? "[green]pass[/]" : $"[red]FAIL ({r.Failures.Count})[/]");
        AnsiConsole.Write(table);
        var coverage = new Table().Border(TableBorder.Rounded).Title("case runs each check applied to")
            .AddColumns(ValidationCheckKinds.All.Select(k => k.Title()).Prepend("loss").Select(h => new TableColumn(Markup.Escape(h))).ToArray());
        foreach (var r in run.Results)
            coverage.AddRow(r.Coverage.Select(CheckCoverageText.Cell).Prepend(r.Loss).Select(Markup.Escape).ToArray());
        AnsiConsole.Write(coverage);
        foreach (var r in run.Results)
            if (CheckCoverageText.Reasons(r) is { Count: > 0 } reasons)
                AnsiConsole.MarkupLineInterpolated($"[grey]{r.Loss}:[/] {string.Join(". ", reasons)}.");
        foreach (var f in run.Results.SelectMany(r => r.Failures).Take(20))
        {
            var error = ValidationReportWriter.FormatError(f.Error);
            AnsiConsole.MarkupLineInterpolated(
                $"[red]FAIL[/] {f.Loss} {f.DType} {f.Case} [[{f.Reduction}]] {f.Check.Title()}: {f.Quantity}: error {error}; {f.Detail}");
        }
    }
}

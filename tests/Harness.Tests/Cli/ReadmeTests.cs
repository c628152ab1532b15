using System.Text.RegularExpressions;
using Xunit;

namespace Harness.Tests.Cli;

/// <summary>
/// The README stays short and true: at most 10 KB, every harness command it shows (through <c>dotnet run</c> or the
/// installed tool) exists in the CLI, every script it runs and every local link exists, and its regression-CSV example
/// runs as written.
/// </summary>
[Trait("Category", TestCategory.Process)]
public partial class ReadmeTests
{
    static string Readme => File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md"));

    [Fact]
    public void Readme_is_at_most_10_KB() => Assert.True(new FileInfo(Path.Combine(RepositoryPaths.Root, "README.md")).Length <= 10 * 1024,
        "README.md is over 10 KB: move detail to docs/");

    [Fact]
    public void Every_command_the_readme_shows_exists_in_the_cli()
    {
        var commands = HarnessCommand().Matches(Readme).Select(m => m.Groups["command"].Value).Distinct().ToList();
        Assert.Contains("run", commands);
        foreach (var command in commands)
        {
            var (code, stdout, stderr) = HarnessProcess.Run(RepositoryPaths.Root, command, "--help");
            Assert.True(code == 0, $"`harness {command} --help` exited {code}: {stdout}{stderr}");
        }
    }

    [Fact]
    public void Every_script_the_readme_runs_exists()
    {
        var scripts = Script().Matches(Readme).Select(m => m.Groups["script"].Value).Distinct().ToList();
        Assert.Contains("deploy/pack-local-feed.sh", scripts);
        Assert.All(scripts, s => Assert.True(File.Exists(Path.Combine(RepositoryPaths.Root, s)), $"the README runs {s}, which does not exist"));
    }

    [Fact]
    public void Every_local_link_in_the_readme_and_docs_resolves()
    {
        var files = new[] { Path.Combine(RepositoryPaths.Root, "README.md") }
            .Concat(Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "docs"), "*.md"));
        var broken = new List<string>();
        foreach (var file in files)
            foreach (Match m in LocalLink().Matches(File.ReadAllText(file)))
            {
                var target = m.Groups["target"].Value.Split('#')[0];
                if (target.Length == 0) continue;
                var path = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, target));
                if (!File.Exists(path) && !Directory.Exists(path)) broken.Add($"{Path.GetFileName(file)}: {target}");
            }
        Assert.True(broken.Count == 0, string.Join("\n", broken));
    }

    [SkippableFact]
    public void The_main_command_writes_where_git_ignores_and_the_studies_script_exists()
    {
        var line = Readme.Split('\n').First(l => l.StartsWith("dotnet run --project src/Harness -- run experiments/quickstart.json", StringComparison.Ordinal));
        var args = line.Split(' ');
        var output = args[Array.IndexOf(args, "--output") + 1];
        Assert.True(File.Exists(Path.Combine(RepositoryPaths.Root, "experiments", "run-studies.sh")));
        Skip.If(!Directory.Exists(Path.Combine(RepositoryPaths.Root, ".git")) && !File.Exists(Path.Combine(RepositoryPaths.Root, ".git")),
            "not a git checkout: whether git ignores the output cannot be asked");
        var start = new System.Diagnostics.ProcessStartInfo("git", ["check-ignore", "-q", $"{output}/quickstart/report.md"])
        {
            WorkingDirectory = RepositoryPaths.Root, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var git = System.Diagnostics.Process.Start(start)!;
        git.WaitForExit();
        // Exit 0: ignored. The first thing a newcomer runs must not leave the working tree dirty.
        Assert.True(git.ExitCode == 0, $"{output}/quickstart is not ignored by git");
    }

    [Fact]
    public void The_regression_csv_example_runs_as_written()
    {
        var line = Readme.Split('\n').Single(l => l.Contains("run experiments/csv-regression.json", StringComparison.Ordinal));
        var args = line[(line.IndexOf("-- ", StringComparison.Ordinal) + 3)..].Trim().Split(' ');
        var output = HarnessProcess.TempFolder();
        try
        {
            // The README writes to /tmp/results; the test writes to its own folder, with fewer epochs to stay quick.
            var index = Array.IndexOf(args, "--output");
            Assert.True(index >= 0, line);
            args[index + 1] = output;
            var (code, stdout, stderr) = HarnessProcess.Run(RepositoryPaths.Root, [.. args, "--set", "training.epochs=3", "--set", "seeds=[0,1]"]);
            Assert.True(code == 0, stdout + stderr);
            Assert.Contains("Verdict: ", stdout);
            Assert.Contains("test RMSE", stdout);
            // The example names no task: it is inferred from the target column, and the user is told.
            Assert.Contains("notice: dataset.csv.task: regression, inferred", stderr);
            Assert.True(File.Exists(Path.Combine(output, "csv-regression", "report.md")));
        }
        finally { Directory.Delete(output, true); }
    }

    /// <summary><c>dotnet run --project src/Harness -- run</c>, and the installed tool's <c>harness run</c> at the start of a line or in backticks.</summary>
    [GeneratedRegex(@"(?:dotnet run --project src/Harness -- |^harness |`harness )(?<command>[a-z]+)", RegexOptions.Multiline)]
    private static partial Regex HarnessCommand();

    [GeneratedRegex(@"\bbash (?<script>[\w./-]+\.sh)\b")]
    private static partial Regex Script();

    [GeneratedRegex(@"\]\((?<target>(?!https?:|mailto:|#)[^)\s]+)\)")]
    private static partial Regex LocalLink();
}

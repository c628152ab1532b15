using System.CommandLine;
using Harness.Plugins;

namespace Harness.Cli;

/// <summary><c>--plugin PATH</c> (repeatable): users' losses, from a built assembly or a project file, loaded before the command runs.</summary>
public static class PluginOption
{
    /// <summary>Creates the option for one command.</summary>
    public static Option<string[]> Create() => new("--plugin")
    {
        Description = "A loss plugin to load first: a .dll, or a .csproj (built first). Repeatable. Its losses then work by name.",
        Arity = ArgumentArity.OneOrMore,
        DefaultValueFactory = _ => [],
    };

    /// <summary>Loads every plugin the command line names (relative paths from the current folder).</summary>
    public static void LoadAll(ParseResult parse, Option<string[]> option)
    {
        foreach (var path in parse.GetValue(option) ?? []) LossPlugins.Load(path);
    }
}

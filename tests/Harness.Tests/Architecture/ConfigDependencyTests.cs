using System.Reflection;
using System.Text.RegularExpressions;
using Harness.Config;
using Xunit;

namespace Harness.Tests.Architecture;

/// <summary>
/// Config depends on no training code: nothing under src/Harness/Config names Harness.Training or Harness.Models,
/// neither in its source (using directives, qualified names) nor in the signatures of its compiled types. (Config may
/// read Data's catalogue and Harness.Losses, which need nothing from Config.)
/// </summary>
public class ConfigDependencyTests
{
    static readonly string[] Forbidden = ["Harness.Training", "Harness.Models"];

    // A using directive, or a qualified name: Harness.Training.X, or Training.X / Models.X written inside namespace
    // Harness (not after a dot, so config.Training.Epochs, a property, does not count).
    static readonly Regex ForbiddenReference = new(
        @"^\s*using\s+(static\s+)?(\w+\s*=\s*)?Harness\.(Training|Models)\b|(?<![\w.])(Harness\.)?(Training|Models)\.[A-Z]\w*",
        RegexOptions.Compiled | RegexOptions.Multiline);

    static IEnumerable<string> ConfigSources() =>
        Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "src", "Harness", "Config"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"));

    /// <summary>The offending lines of one source text (comments removed).</summary>
    internal static IEnumerable<string> Offenders(string source)
    {
        var lines = source.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            var code = lines[i].Split("//")[0];
            if (ForbiddenReference.IsMatch(code)) yield return $"{i + 1}: {lines[i].Trim()}";
        }
    }

    [Fact]
    public void No_config_source_names_training_or_models()
    {
        var offenders = ConfigSources()
            .SelectMany(f => Offenders(File.ReadAllText(f)).Select(line => $"{Path.GetFileName(f)}:{line}"))
            .ToList();
        Assert.True(offenders.Count == 0, "src/Harness/Config references Training or Models:\n" + string.Join("\n", offenders));
    }

    [Fact]
    public void No_config_type_signature_names_training_or_models()
    {
        var offenders = new List<string>();
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (var type in typeof(ExperimentConfig).Assembly.GetTypes().Where(t => t.Namespace == typeof(ExperimentConfig).Namespace))
        {
            void Check(Type? used, string where)
            {
                foreach (var t in Expand(used))
                    if (Forbidden.Any(ns => t.Namespace is { } n && (n == ns || n.StartsWith(ns + ".", StringComparison.Ordinal))))
                        offenders.Add($"{type.FullName}.{where}: {t.FullName}");
            }
            Check(type.BaseType, "base");
            foreach (var i in type.GetInterfaces()) Check(i, "interface");
            foreach (var f in type.GetFields(all)) Check(f.FieldType, f.Name);
            foreach (var p in type.GetProperties(all)) Check(p.PropertyType, p.Name);
            foreach (var m in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
            {
                if (m is MethodInfo mi) Check(mi.ReturnType, m.Name);
                foreach (var p in m.GetParameters()) Check(p.ParameterType, $"{m.Name}({p.Name})");
                foreach (var l in m.GetMethodBody()?.LocalVariables ?? []) Check(l.LocalType, $"{m.Name} local");
            }
        }
        Assert.True(offenders.Count == 0, "Harness.Config types use Training or Models:\n" + string.Join("\n", offenders));
    }

    [Fact]
    public void The_scan_would_catch_a_reference()
    {
        Assert.NotEmpty(Offenders("using Harness.Training;"));
        Assert.NotEmpty(Offenders("using static Harness.Models.ModelFactory;"));
        Assert.NotEmpty(Offenders("    public static readonly IReadOnlyList<string> Optimizers = Training.OptimizerFactory.Optimizers;"));
        Assert.NotEmpty(Offenders("    var kinds = Harness.Models.ModelFactory.Kinds;"));
        Assert.Empty(Offenders("        if (c.Training.BatchSize == 1 && c.Model.BatchNorm)"));
        Assert.Empty(Offenders("    // Training.OptimizerFactory reads these names."));
        Assert.Empty(Offenders("using Harness.Data;"));
    }

    /// <summary>A type and the types it is made of (array elements, generic arguments).</summary>
    static IEnumerable<Type> Expand(Type? t)
    {
        if (t is null) yield break;
        yield return t;
        if (t.HasElementType) foreach (var e in Expand(t.GetElementType())) yield return e;
        if (t.IsGenericType) foreach (var a in t.GetGenericArguments()) foreach (var e in Expand(a)) yield return e;
    }
}

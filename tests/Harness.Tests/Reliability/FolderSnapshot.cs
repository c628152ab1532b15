using System.Security.Cryptography;
using Xunit;

namespace Harness.Tests.Reliability;

/// <summary>Every file under a folder with its SHA-256, to check that a command left the folder byte-identical.</summary>
internal static class FolderSnapshot
{
    public static SortedDictionary<string, string> Of(string folder)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (!Directory.Exists(folder)) return files;
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
            files[Path.GetRelativePath(folder, file)] = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file)));
        return files;
    }

    /// <summary>Fails, naming the files that differ, unless the two snapshots are the same.</summary>
    public static void AssertSame(SortedDictionary<string, string> before, SortedDictionary<string, string> after) =>
        Assert.True(before.SequenceEqual(after), Diff(before, after));

    /// <summary>The differences between two snapshots, for a failing assertion's message.</summary>
    public static string Diff(SortedDictionary<string, string> before, SortedDictionary<string, string> after) => string.Join("; ",
        before.Keys.Union(after.Keys).Where(k => before.GetValueOrDefault(k) != after.GetValueOrDefault(k))
            .Select(k => $"{k}: {(before.ContainsKey(k) ? "" : "added")}{(after.ContainsKey(k) ? "" : "removed")}" +
                         $"{(before.ContainsKey(k) && after.ContainsKey(k) ? "changed" : "")}"));
}

namespace Harness.Tests;

/// <summary>
/// The categories a test carries as <c>[Trait("Category", ...)]</c>, so that a quick inner loop can leave out what
/// is slow: <c>dotnet test Harness.sln --filter "Category!=Process&amp;Category!=Slow"</c>. CI and the README's test
/// command run everything. <see cref="Build.TestCategoryTests"/> checks that every test that starts a process says so.
/// </summary>
public static class TestCategory
{
    /// <summary>Starts the harness (or <c>dotnet</c>) as a child process: seconds each, more under load.</summary>
    public const string Process = "Process";

    /// <summary>Trains or soaks for tens of seconds, or kills processes on purpose (fuzzing, kill and resume, locks).</summary>
    public const string Slow = "Slow";
}

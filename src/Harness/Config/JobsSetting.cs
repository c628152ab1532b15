using System.Globalization;

namespace Harness.Config;

/// <summary>
/// How many runs of a grid train at once: <c>--jobs N|auto</c>, or <c>jobs</c> in a config (0 meaning auto, as
/// <c>threads</c> 0 means the machine's choice). Auto is one worker per core that a run's threads leave. One home for
/// what the value may be, for the validator and the command line.
/// </summary>
public static class JobsSetting
{
    /// <summary>The most workers a grid starts.</summary>
    public const int Max = 256;

    /// <summary>The config value that means auto.</summary>
    public const int Auto = 0;

    /// <summary>Parses <c>--jobs</c> text (a whole number from 1 to <see cref="Max"/>, or auto); null when it is neither.</summary>
    public static int? Parse(string text) =>
        text.Trim().Equals("auto", StringComparison.OrdinalIgnoreCase) ? Auto
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= Max ? n : null;

    /// <summary>True when a config's <c>jobs</c> is valid: 0 (auto) to <see cref="Max"/>.</summary>
    public static bool IsValid(int jobs) => jobs is >= Auto and <= Max;

    /// <summary>
    /// The worker count for a grid of <paramref name="runs"/> runs with <paramref name="threads"/> torch threads each
    /// (0: the machine's choice), never more than the runs. Auto on a GPU is one: the runs would share its one device
    /// (and its one dropout generator) for no measured gain.
    /// </summary>
    public static int Resolve(int jobs, int threads, int runs, bool gpu = false) =>
        Math.Max(1, Math.Min(runs, jobs != Auto ? jobs : gpu ? 1 : Environment.ProcessorCount / Math.Max(1, threads)));
}

namespace Harness.Validation.Checks.Regression;

/// <summary>Reads a case's option values (as given, or the default) for built-in calls and reference formulas.</summary>
internal static class CaseOptionValues
{
    public static double Real(LossCase c, string name, double @default) =>
        c.Options.Values.TryGetValue(name, out var v) && v is not null ? Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture) : @default;

    public static long Integer(LossCase c, string name, long @default) =>
        c.Options.Values.TryGetValue(name, out var v) && v is not null ? Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture) : @default;

    public static bool Boolean(LossCase c, string name, bool @default) =>
        c.Options.Values.TryGetValue(name, out var v) && v is not null ? Convert.ToBoolean(v, System.Globalization.CultureInfo.InvariantCulture) : @default;
}

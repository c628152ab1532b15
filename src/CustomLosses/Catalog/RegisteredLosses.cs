using System.Reflection;

namespace CustomLosses.Catalog;

/// <summary>Finds the losses an assembly contributes: its public classes marked <see cref="RegisteredLossAttribute"/>.</summary>
public static class RegisteredLosses
{
    /// <summary>
    /// The specs of <paramref name="assembly"/>'s marked classes, each with <see cref="LossSpec.Origin"/> set to
    /// <paramref name="origin"/>; a marked class without a public static <c>LossSpec Spec</c> is an error naming it.
    /// </summary>
    public static IReadOnlyList<LossSpec> In(Assembly assembly, string origin)
    {
        Type[] types;
        try { types = assembly.GetTypes(); }
        catch (ReflectionTypeLoadException e)
        {
            var first = e.LoaderExceptions.FirstOrDefault(x => x != null)?.Message ?? e.Message;
            throw new LossRegistrationException(
                $"{origin}: its types cannot be loaded ({first}); build it against the same CustomLosses and TorchSharp versions as the harness.");
        }
        var specs = new List<LossSpec>();
        foreach (var type in types.Where(t => t.GetCustomAttribute<RegisteredLossAttribute>() != null).OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            var property = type.GetProperty("Spec", BindingFlags.Public | BindingFlags.Static);
            if (!type.IsPublic || property?.PropertyType != typeof(LossSpec))
                throw new LossRegistrationException(
                    $"{origin}: class {type.FullName} is marked [RegisteredLoss] but " +
                    $"{(type.IsPublic ? "has no public static LossSpec Spec property" : "is not public")}.");
            LossSpec? spec;
            try { spec = (LossSpec?)property.GetValue(null); }
            catch (TargetInvocationException e)
            {
                throw new LossRegistrationException($"{origin}: {type.FullName}.Spec throws: {e.InnerException?.Message ?? e.Message}");
            }
            specs.Add((spec ?? throw new LossRegistrationException($"{origin}: {type.FullName}.Spec is null.")) with { Origin = origin });
        }
        if (specs.Count == 0)
            throw new LossRegistrationException($"{origin}: no class is marked [RegisteredLoss] (a public class with a public static LossSpec Spec property).");
        return specs;
    }
}

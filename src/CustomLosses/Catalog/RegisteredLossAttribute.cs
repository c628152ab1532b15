namespace CustomLosses.Catalog;

/// <summary>
/// Marks a loss class outside the library whose public static <c>Spec</c> property (a <see cref="LossSpec"/>) the
/// harness registers when it loads the class's assembly as a plugin (<c>--plugin</c>, or <c>"plugins"</c> in a config).
/// </summary>
/// <example><code>
/// [RegisteredLoss]
/// public sealed class CauchyLoss : CustomLoss
/// {
///     public static LossSpec Spec { get; } = new(Name: "cauchy", ...);
/// }
/// </code></example>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class RegisteredLossAttribute : Attribute;

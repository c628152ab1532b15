using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace CustomLosses.Analyzers;

/// <summary>
/// The rules of <see cref="ScalarTemporaryAnalyzer"/>: IDs, titles, messages and severities. The IDs are stable: users
/// suppress them by ID (<c>#pragma warning disable CL0002</c>, <c>.editorconfig</c>), and AnalyzerReleases.*.md lists them.
/// </summary>
public static class ScalarTemporaryRules
{
    /// <summary>A C# number (or other value) converted to a TorchSharp <c>Scalar</c> on the spot.</summary>
    public const string ConversionId = "CL0001";

    /// <summary>A call of a TorchSharp member that makes a <c>Scalar</c> inside TorchSharp.</summary>
    public const string HiddenId = "CL0002";

    /// <summary>A new <c>Scalar</c> (<c>ToScalar()</c>) that nothing keeps alive.</summary>
    public const string UnkeptId = "CL0003";

    /// <summary>A TorchSharp read that leaves an object whose finalizer is never suppressed.</summary>
    public const string FinalizerPressureId = "CL0004";

    /// <summary>TorchSharp.dll's IL could not be read, so <see cref="HiddenId"/> is not checked.</summary>
    public const string UnreadableTorchSharpId = "CL0005";

    /// <summary>
    /// Where the rules are explained. The repository has no hosted address, so this is the path inside it (the
    /// package's PACKAGE.md summarizes the rules).
    /// </summary>
    public const string HelpLink = "docs/losses.md#torchsharps-temporary-scalars";

    const string Category = "Reliability";

    /// <summary>CL0001: the conversion makes a Scalar that a garbage collection can finalize during the native call.</summary>
    public static readonly DiagnosticDescriptor Conversion = new(
        ConversionId,
        "Value converted to a temporary TorchSharp Scalar",
        "{0} becomes a new Scalar on each call ({1}), which a garbage collection on another thread can finalize while libtorch reads it; " +
        "pass a kept Scalar: {2}",
        Category, DiagnosticSeverity.Warning, isEnabledByDefault: true,
        description: "TorchSharp 0.107 converts a C# number to a Scalar whose finalizer frees the native value and does not keep it alive "
            + "through the native call that reads it; libtorch then throws \"Expected false to be true\" or computes with a freed value.",
        helpLinkUri: HelpLink);

    /// <summary>CL0002: the TorchSharp member makes the temporary itself (an alpha of 1, a converted number, ...).</summary>
    public static readonly DiagnosticDescriptor Hidden = new(
        HiddenId,
        "TorchSharp member makes a temporary Scalar inside",
        "{0} makes a temporary Scalar inside TorchSharp ({1}), which a garbage collection can finalize during the native call; write {2}",
        Category, DiagnosticSeverity.Warning, isEnabledByDefault: true,
        description: "The member's IL in the referenced TorchSharp.dll converts a value to a Scalar and passes it to libtorch without keeping it "
            + "alive (a + b and add(b) pass an alpha of 1, x * 2.0 converts 2.0, square() is pow(2)). A kept argument does not help; "
            + "call the overload that takes the Scalar, with a kept one.",
        helpLinkUri: HelpLink);

    /// <summary>CL0003: a new Scalar whose only reference is the argument being passed.</summary>
    public static readonly DiagnosticDescriptor Unkept = new(
        UnkeptId,
        "New TorchSharp Scalar is not kept alive",
        "{0} returns a new Scalar that nothing keeps alive; use {1}",
        Category, DiagnosticSeverity.Warning, isEnabledByDefault: true,
        description: "Only a using declaration or a static field or property keeps a Scalar reachable through the native call that reads it.",
        helpLinkUri: HelpLink);

    /// <summary>CL0004: a read whose helper object is finalized later; no wrong values, only GC work.</summary>
    public static readonly DiagnosticDescriptor FinalizerPressure = new(
        FinalizerPressureId,
        "TorchSharp read leaves a finalizable object",
        "{0} leaves a {1} whose finalizer TorchSharp 0.107 never suppresses; in code that runs every step, use {2}",
        Category, DiagnosticSeverity.Info, isEnabledByDefault: true,
        description: "Each such object survives a collection, is promoted and runs on the finalizer thread; in a training loop they add up "
            + "to gen-1 collections that pause training. Harmless outside hot paths (error messages, setup).",
        helpLinkUri: HelpLink);

    /// <summary>CL0005: the analyzer reads the referenced TorchSharp.dll to know which members are hidden; without it, CL0002 is off.</summary>
    public static readonly DiagnosticDescriptor UnreadableTorchSharp = new(
        UnreadableTorchSharpId,
        "TorchSharp's IL could not be read",
        "The temporary-Scalar analyzer could not read the IL of the referenced TorchSharp ({0}), so calls of TorchSharp members that make a "
            + "temporary Scalar inside (CL0002) are not reported",
        Category, DiagnosticSeverity.Warning, isEnabledByDefault: true,
        helpLinkUri: HelpLink,
        customTags: WellKnownDiagnosticTags.CompilationEnd);

    /// <summary>Every rule, for <see cref="ScalarTemporaryAnalyzer.SupportedDiagnostics"/>.</summary>
    public static ImmutableArray<DiagnosticDescriptor> All { get; } =
        ImmutableArray.Create(Conversion, Hidden, Unkept, FinalizerPressure, UnreadableTorchSharp);
}

namespace Harness.Plugins;

/// <summary>A plugin could not be loaded: a missing or unbuildable file, an assembly that does not load, or losses the registry refuses.</summary>
public sealed class PluginException(string message, Exception? inner = null) : Exception(message, inner);

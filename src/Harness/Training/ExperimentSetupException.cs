namespace Harness.Training;

/// <summary>
/// A configuration that is well-formed but cannot be set up against the data it names (a loss that does not
/// apply to the task, an encoding the dataset cannot give). One user-facing message; the CLI exits 2.
/// </summary>
public sealed class ExperimentSetupException(string message) : Exception(message);

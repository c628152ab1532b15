using static TorchSharp.torch;

namespace Harness.Validation.TrainingParity;

/// <summary>
/// One pair to train side by side: a candidate loss (the custom one, or a planted one) and the reference it must
/// train like (libtorch's twin), on one problem.
/// </summary>
/// <param name="Name">Row name in the report ("cross-entropy", "cross-entropy (label_smoothing 0.1)").</param>
/// <param name="Candidate">The loss under test, on the problem's inputs; a scalar.</param>
/// <param name="Reference">The built-in twin on the same inputs; a scalar. It also trains the yardstick.</param>
/// <param name="ReferenceName">What the reference is, for the report.</param>
/// <param name="Problem">Data set, head size and input construction.</param>
/// <param name="Float64">Train in float64 (the model cast, features and floating targets too): for the losses whose
/// reference is a composed formula rather than a libtorch twin.</param>
internal sealed record ParityTarget(string Name, Func<Tensor[], Tensor> Candidate, Func<Tensor[], Tensor> Reference, string ReferenceName,
    ParityProblem Problem, bool Float64 = false);

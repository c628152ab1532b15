using Harness.Config;
using static TorchSharp.torch;

namespace Harness.Training;

/// <summary>
/// Optimizers and learning-rate schedules from the config. Create them after the model has moved to its device.
/// </summary>
/// <remarks>
/// The optimizers are TorchSharp's, with steps of our own (<see cref="Optimizers"/>): TorchSharp 0.107's steps hand
/// libtorch temporary scalars that a garbage collection on another thread (another run training at once, the
/// checkpoint writer, the progress display) can free inside the call (docs/losses.md, "TorchSharp's temporary
/// scalars"); ours keep each alive until its call returns, with the same libtorch calls and values otherwise. They carry
/// TorchSharp's class names because a checkpoint's optimizer state starts with the optimizer's type name, which
/// TorchSharp checks on loading.
/// </remarks>
public static class OptimizerFactory
{
    /// <summary>The optimizer names.</summary>
    public static IReadOnlyList<string> Optimizers => ConfigVocabulary.Optimizers;

    /// <summary>The schedule names.</summary>
    public static IReadOnlyList<string> Schedules => ConfigVocabulary.Schedules;

    /// <summary>Builds the optimizer over <paramref name="parameters"/>.</summary>
    public static optim.Optimizer Create(OptimizerConfig c, IEnumerable<TorchSharp.Modules.Parameter> parameters) => c.Name.ToLowerInvariant() switch
    {
        "sgd" => new Optimizers.SGD(parameters, c.LearningRate, c.Momentum, 0, c.WeightDecay, c.Nesterov),
        "adam" => new Optimizers.Adam(parameters, c.LearningRate, weight_decay: c.WeightDecay),
        "adamw" => new Optimizers.AdamW(parameters, c.LearningRate, weight_decay: c.WeightDecay),
        "rmsprop" => new Optimizers.RMSProp(parameters, c.LearningRate, momentum: c.Momentum, weight_decay: c.WeightDecay),
        _ => throw new ExperimentSetupException($"training.optimizer.name '{c.Name}' is not valid: use {string.Join(", ", Optimizers)}."),
    };

    /// <summary>Builds the schedule (stepped once per epoch), or null for none.</summary>
    public static optim.lr_scheduler.LRScheduler? CreateSchedule(ScheduleConfig c, optim.Optimizer optimizer, int epochs) => c.Name.ToLowerInvariant() switch
    {
        "none" or "" => null,
        "step" => optim.lr_scheduler.StepLR(optimizer, c.StepSize, c.Gamma),
        "cosine" => optim.lr_scheduler.CosineAnnealingLR(optimizer, epochs, c.MinLearningRate),
        _ => throw new ExperimentSetupException($"training.schedule.name '{c.Name}' is not valid: use {string.Join(", ", Schedules)}."),
    };
}

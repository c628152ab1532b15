using Harness.Config;
using static TorchSharp.torch;

namespace Harness.Training;

/// <summary>Optimizers and learning-rate schedules from the config. Create them after the model has moved to its device.</summary>
public static class OptimizerFactory
{
    /// <summary>The optimizer names.</summary>
    public static IReadOnlyList<string> Optimizers => ConfigVocabulary.Optimizers;

    /// <summary>The schedule names.</summary>
    public static IReadOnlyList<string> Schedules => ConfigVocabulary.Schedules;

    /// <summary>Builds the optimizer over <paramref name="parameters"/>.</summary>
    public static optim.Optimizer Create(OptimizerConfig c, IEnumerable<TorchSharp.Modules.Parameter> parameters) => c.Name.ToLowerInvariant() switch
    {
        "sgd" => optim.SGD(parameters, c.LearningRate, c.Momentum, 0, c.WeightDecay, c.Nesterov),
        "adam" => optim.Adam(parameters, c.LearningRate, weight_decay: c.WeightDecay),
        "adamw" => optim.AdamW(parameters, c.LearningRate, weight_decay: c.WeightDecay),
        "rmsprop" => optim.RMSProp(parameters, c.LearningRate, momentum: c.Momentum, weight_decay: c.WeightDecay),
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

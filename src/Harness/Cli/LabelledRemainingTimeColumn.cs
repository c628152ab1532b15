using Spectre.Console;
using Spectre.Console.Rendering;

namespace Harness.Cli;

/// <summary>A progress column that says what its time is ("ETA 00:01:23"): Spectre's own shows a bare time that reads as elapsed.</summary>
public sealed class LabelledRemainingTimeColumn : ProgressColumn
{
    /// <inheritdoc />
    public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
        new Text(task.IsFinished ? "done        " : task.RemainingTime is { } left ? $"ETA {left:hh\\:mm\\:ss}" : "ETA --:--:--", new Style(Color.Blue));
}

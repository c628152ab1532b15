using System.Text.Json.Nodes;
using static Harness.Results.ResultsJson;

namespace Harness.Results;

/// <summary>The dataset part of experiment.json: the first seed's data (other seeds draw their own split of the same sizes).</summary>
public sealed record ExperimentDataset
{
    /// <summary>Dataset name.</summary>
    public string? Name { get; init; }
    /// <summary>Where the data came from.</summary>
    public string? Source { get; init; }
    /// <summary>"classification" or "regression".</summary>
    public string? Task { get; init; }
    /// <summary>Number of classes (classification).</summary>
    public int? Classes { get; init; }
    /// <summary>The shape of one sample's features.</summary>
    public IReadOnlyList<long>? FeatureShape { get; init; }
    /// <summary>Training samples.</summary>
    public long? Train { get; init; }
    /// <summary>Validation samples.</summary>
    public long? Validation { get; init; }
    /// <summary>Test samples.</summary>
    public long? Test { get; init; }
    /// <summary>How the data seed is chosen.</summary>
    public string? DataSeed { get; init; }
    /// <summary>Whether the validation split is corrupted like the training split.</summary>
    public string? ValidationCorruption { get; init; }
    /// <summary>What the loader noted.</summary>
    public IReadOnlyList<string>? Notes { get; init; }
}

/// <summary>experiment.json: what the results rest on (command, device, versions, data). Fields older files lack read as null.</summary>
public sealed record ExperimentInfo
{
    /// <summary>Experiment name.</summary>
    public string? Name { get; init; }
    /// <summary>Free-text description.</summary>
    public string? Description { get; init; }
    /// <summary>The command that ran it.</summary>
    public string? Command { get; init; }
    /// <summary>"cpu" or "cuda".</summary>
    public string? Device { get; init; }
    /// <summary>libtorch threads.</summary>
    public int? Threads { get; init; }
    /// <summary>The harness's git commit, when run in a checkout.</summary>
    public string? GitCommit { get; init; }
    /// <summary>The checkout had uncommitted changes.</summary>
    public bool? GitDirty { get; init; }
    /// <summary>TorchSharp version.</summary>
    public string? TorchSharp { get; init; }
    /// <summary>libtorch package and version.</summary>
    public string? LibTorch { get; init; }
    /// <summary>CPU model.</summary>
    public string? Cpu { get; init; }
    /// <summary>The CPU's vector extensions.</summary>
    public string? VectorExtensions { get; init; }
    /// <summary>.NET version.</summary>
    public string? Dotnet { get; init; }
    /// <summary>Operating system.</summary>
    public string? Os { get; init; }
    /// <summary>Logical processors.</summary>
    public int? Processors { get; init; }
    /// <summary>The data.</summary>
    public ExperimentDataset? Dataset { get; init; }
    /// <summary>The selection rule, e.g. "validation accuracy".</summary>
    public string? Selection { get; init; }
    /// <summary>The shard this process ran, e.g. "1/1".</summary>
    public string? Shard { get; init; }
    /// <summary>Run with --resume.</summary>
    public bool? Resumed { get; init; }
    /// <summary>The grid finished (false while it runs).</summary>
    public bool? Finished { get; init; }
    /// <summary>Wall time of the grid, once finished (rounded to 10 ms when written).</summary>
    public double? Seconds { get; init; }
    /// <summary>What reproducibility rests on.</summary>
    public string? Determinism { get; init; }
}

/// <summary>
/// <c>experiment.json</c>: the one writer and the one reader. The report embeds the file as written (its JSON object),
/// so <see cref="ReadJson"/> returns it too.
/// </summary>
public static class ExperimentInfoFile
{
    /// <summary>Writes experiment.json atomically.</summary>
    public static void Write(string path, ExperimentInfo info) => ResultsJson.Write(path, ToJson(info));

    /// <summary>Reads experiment.json; throws <see cref="ResultsFolderException"/> naming the file when it is not one.</summary>
    public static ExperimentInfo Read(string path) => ReadJson(path).Info;

    /// <summary>Reads experiment.json as the record and as the JSON object it is written as.</summary>
    public static (ExperimentInfo Info, JsonObject Json) ReadJson(string path)
    {
        var node = ReadObject(path);
        return (Typed(path, () => FromJson(node)), node);
    }

    static JsonObject ToJson(ExperimentInfo i) => new()
    {
        ["name"] = Node(i.Name), ["description"] = Node(i.Description), ["command"] = Node(i.Command), ["device"] = Node(i.Device),
        ["threads"] = Node(i.Threads), ["gitCommit"] = Node(i.GitCommit), ["gitDirty"] = i.GitDirty is { } d ? JsonValue.Create(d) : null,
        ["torchSharp"] = Node(i.TorchSharp), ["libTorch"] = Node(i.LibTorch), ["cpu"] = Node(i.Cpu), ["vectorExtensions"] = Node(i.VectorExtensions),
        ["dotnet"] = Node(i.Dotnet), ["os"] = Node(i.Os), ["processors"] = Node(i.Processors),
        ["dataset"] = i.Dataset is not { } ds ? null : new JsonObject
        {
            ["name"] = Node(ds.Name), ["source"] = Node(ds.Source), ["task"] = Node(ds.Task), ["classes"] = Node(ds.Classes),
            ["featureShape"] = ds.FeatureShape is null ? null : new JsonArray(ds.FeatureShape.Select(x => (JsonNode?)JsonValue.Create(x)).ToArray()),
            ["train"] = Node(ds.Train), ["validation"] = Node(ds.Validation), ["test"] = Node(ds.Test),
            ["dataSeed"] = Node(ds.DataSeed), ["validationCorruption"] = Node(ds.ValidationCorruption),
            ["notes"] = ds.Notes is null ? null : new JsonArray(ds.Notes.Select(x => (JsonNode?)JsonValue.Create(x)).ToArray()),
        },
        ["selection"] = Node(i.Selection), ["shard"] = Node(i.Shard),
        ["resumed"] = i.Resumed is { } r ? JsonValue.Create(r) : null, ["finished"] = i.Finished is { } f ? JsonValue.Create(f) : null,
        ["seconds"] = Node(i.Seconds is { } s ? Math.Round(s, 2) : (double?)null), ["determinism"] = Node(i.Determinism),
    };

    static ExperimentInfo FromJson(JsonObject n) => new()
    {
        Name = Text(n["name"]), Description = Text(n["description"]), Command = Text(n["command"]), Device = Text(n["device"]),
        Threads = Integer(n["threads"]), GitCommit = Text(n["gitCommit"]), GitDirty = Boolean(n["gitDirty"]),
        TorchSharp = Text(n["torchSharp"]), LibTorch = Text(n["libTorch"]), Cpu = Text(n["cpu"]), VectorExtensions = Text(n["vectorExtensions"]),
        Dotnet = Text(n["dotnet"]), Os = Text(n["os"]), Processors = Integer(n["processors"]),
        Dataset = n["dataset"] is JsonObject ds ? new ExperimentDataset
        {
            Name = Text(ds["name"]), Source = Text(ds["source"]), Task = Text(ds["task"]), Classes = Integer(ds["classes"]),
            FeatureShape = ds["featureShape"] is JsonArray shape ? shape.Select(x => Long(x) ?? throw new FormatException(
                $"expected a number at '{x?.GetPath() ?? "featureShape"}'")).ToList() : null,
            Train = Long(ds["train"]), Validation = Long(ds["validation"]), Test = Long(ds["test"]),
            DataSeed = Text(ds["dataSeed"]), ValidationCorruption = Text(ds["validationCorruption"]),
            Notes = ds["notes"] is JsonArray notes ? notes.Select(x => Text(x) ?? "").ToList() : null,
        } : null,
        Selection = Text(n["selection"]), Shard = Text(n["shard"]), Resumed = Boolean(n["resumed"]), Finished = Boolean(n["finished"]),
        Seconds = Number(n["seconds"]), Determinism = Text(n["determinism"]),
    };
}

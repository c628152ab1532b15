using Harness.Config;
using Harness.Data;
using Xunit;

namespace Harness.Tests.Data;

/// <summary>An empty dataset.csv.task is read from the target column, written into the config, and said.</summary>
public class CsvTaskInferenceTests
{
    [Theory]
    [InlineData("classification", "cat", "dog", "cat")]
    [InlineData("classification", "0", "1", "2", "1")]
    [InlineData("classification", "1.0", "2.0", "1")]
    [InlineData("regression", "0.5", "1", "2")]
    [InlineData("regression", "-0.25", "3", "7")]
    public void The_target_texts_decide(string expected, params string[] targets) =>
        Assert.Equal(expected, CsvTaskInference.Infer(targets, "y").Task);

    [Fact]
    public void More_than_twenty_distinct_whole_numbers_are_a_regression_target()
    {
        Assert.Equal("classification", CsvTaskInference.Infer(Enumerable.Range(0, 20).Select(i => i.ToString()).ToList(), "y").Task);
        var (task, reason) = CsvTaskInference.Infer(Enumerable.Range(0, 21).Select(i => i.ToString()).ToList(), "count");
        Assert.Equal("regression", task);
        Assert.Contains("21 distinct whole numbers", reason);
    }

    [Fact]
    public void A_config_without_a_task_gets_the_inferred_one_and_a_notice()
    {
        var dir = Directory.CreateTempSubdirectory("harness-csv-task-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "r.csv"), "a,b,y\n" + string.Join("\n", Enumerable.Range(0, 40).Select(i => $"{i},{i % 7},{i * 0.37}")) + "\n");
            var path = Path.Combine(dir, "c.json");
            File.WriteAllText(path, """{ "name": "c", "dataset": { "name": "csv", "csv": { "path": "r.csv" } }, "losses": [ { "loss": "mse" } ] }""");
            var loaded = ConfigLoader.Load(path);
            Assert.Equal("regression", loaded.Config.Dataset.Csv.Task);
            Assert.Contains(loaded.Notices!, n => n.StartsWith("dataset.csv.task: regression, inferred", StringComparison.Ordinal));
            // An explicit task is kept, and no notice is given.
            var explicitTask = ConfigLoader.Load(path, ["dataset.csv.task=classification", "losses.0.loss=cross-entropy"]);
            Assert.Equal("classification", explicitTask.Config.Dataset.Csv.Task);
            Assert.Empty(explicitTask.Notices!);
            using var data = DatasetLoader.Load(loaded.Config.Dataset, dir);
            Assert.Equal(TaskKind.Regression, data.Task);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void A_regression_loss_on_a_csv_read_as_classes_says_which_key_to_set()
    {
        var dir = Directory.CreateTempSubdirectory("harness-csv-task-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "k.csv"), "a,y\n1,0\n2,1\n3,0\n4,1\n");
            var path = Path.Combine(dir, "c.json");
            File.WriteAllText(path, """{ "name": "c", "dataset": { "name": "csv", "csv": { "path": "k.csv" } }, "losses": [ { "loss": "mse" } ] }""");
            var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path));
            Assert.Contains("set dataset.csv.task to \"regression\"", e.Message);
        }
        finally { Directory.Delete(dir, true); }
    }
}

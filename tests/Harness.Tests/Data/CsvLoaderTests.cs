using Harness.Data;
using Xunit;
using static Harness.Tests.Data.DataTestSupport;

namespace Harness.Tests.Data;

public class CsvLoaderTests
{
    static PreparedData Load(TempFolder dir, string text, string target = "", string task = "classification", bool header = true, string separator = ",")
    {
        var path = dir.Write("data.csv", text);
        return DatasetLoader.Load(new DatasetConfig
        {
            Name = "csv",
            Standardize = false,
            ValidationFraction = 0,
            TestFraction = 0.5,
            Csv = new CsvDatasetConfig { Path = "data.csv", TargetColumn = target, Task = task, Header = header, Separator = separator },
        }, dir.Path);
    }

    static string Rows(int n, Func<int, string> row) => string.Concat(Enumerable.Range(0, n).Select(i => row(i) + "\n"));

    [Fact]
    public void Target_by_name_or_index_and_text_labels_mapped_in_sorted_order()
    {
        using var dir = new TempFolder();
        var text = "kind,a,b\n" + Rows(20, i => $"{(i % 2 == 0 ? "dog" : "cat")},{i},{2 * i}");
        using (var byName = Load(dir, text, target: "kind"))
        {
            Assert.Equal(2, byName.ClassCount);
            Assert.Equal(new long[] { 2 }, byName.FeatureShape);
            var x = Floats(byName.Train.Features);
            var y = Longs(byName.Train.Targets);
            for (int i = 0; i < y.Length; i++) Assert.Equal(x[2 * i] % 2 == 0 ? 1 : 0, y[i]); // cat -> 0, dog -> 1
            Assert.Contains(byName.Notes, n => n.Contains("cat->0") && n.Contains("dog->1"));
        }
        using var byIndex = Load(dir, text, target: "0");
        Assert.Equal(2, byIndex.ClassCount);
    }

    static CsvTableReader.CsvTable Table(string text, string[]? features = null, string[]? ignore = null) =>
        CsvTableReader.Read(new StringReader(text), "t.csv", "y", header: true, ",", features, ignore);

    [Fact]
    public void Ignored_columns_are_not_read_and_listed_features_are_the_only_ones()
    {
        const string text = "id,name,a,b,y\n7,ann,1,2,0\n8,bob,3,4,1\n";
        var dropped = Table(text, ignore: ["id", "NAME"]);  // a text column would be an error if it were read
        Assert.Equal(2, dropped.FeatureCount);
        Assert.Equal([1f, 2f, 3f, 4f], dropped.Features);
        var chosen = Table(text, features: ["b", "0"]);     // by name and by index; file order kept
        Assert.Equal(2, chosen.FeatureCount);
        Assert.Equal([7f, 2f, 8f, 4f], chosen.Features);
        Assert.Contains("non-numeric cell in column \"name\"", Assert.Throws<DataException>(() => Table(text)).Message);
    }

    [Fact]
    public void Column_choices_that_cannot_work_get_one_message_naming_the_key()
    {
        const string text = "id,a,y\n1,2,0\n3,4,1\n";
        Assert.Contains("ignored column \"nope\" not found", Assert.Throws<DataException>(() => Table(text, ignore: ["nope"])).Message);
        Assert.Contains("feature column \"y\" is the target column", Assert.Throws<DataException>(() => Table(text, features: ["y"])).Message);
        Assert.Contains("both set", Assert.Throws<DataException>(() => Table(text, features: ["a"], ignore: ["id"])).Message);
        Assert.Contains("no feature column is left", Assert.Throws<DataException>(() => Table(text, ignore: ["id", "a"])).Message);
    }

    [Fact]
    public void A_config_drops_an_id_column_through_ignore_columns()
    {
        using var dir = new TempFolder();
        dir.Write("data.csv", "id,x,y\n" + Rows(20, i => $"row{i},{i},{i % 2}"));
        using var data = DatasetLoader.Load(new DatasetConfig
        {
            Name = "csv", Standardize = false, ValidationFraction = 0, TestFraction = 0.5,
            Csv = new CsvDatasetConfig { Path = "data.csv", Task = "classification", IgnoreColumns = ["id"] },
        }, dir.Path);
        Assert.Equal(new long[] { 1 }, data.FeatureShape);
    }

    [Fact]
    public void Integer_labels_0_to_k_are_kept_and_others_remapped()
    {
        using var dir = new TempFolder();
        using (var kept = Load(dir, "x,y\n" + Rows(30, i => $"{i},{i % 3}")))
        {
            Assert.Equal(3, kept.ClassCount);
            Assert.DoesNotContain(kept.Notes, n => n.Contains("mapped"));
            Assert.All(Enumerable.Range(0, (int)kept.Test.Count), i =>
                Assert.Equal((long)Floats(kept.Test.Features)[i] % 3, Longs(kept.Test.Targets)[i]));
        }
        using var shifted = Load(dir, "x,y\n" + Rows(30, i => $"{i},{(i % 3) * 10 + 1}"));
        Assert.Equal(3, shifted.ClassCount);
        Assert.Contains(shifted.Notes, n => n.Contains("1->0") && n.Contains("11->1") && n.Contains("21->2"));
    }

    [Fact]
    public void No_header_tab_separator_quotes_and_regression()
    {
        using var dir = new TempFolder();
        using var data = Load(dir, Rows(10, i => $"\"{i}\"\t{i * 0.5}"), task: "regression", header: false, separator: "\\t");
        Assert.Equal(TaskKind.Regression, data.Task);
        Assert.Equal(5, data.Train.Count);
        var x = Floats(data.Train.Features);
        var y = Floats(data.Train.Targets).Select(v => v * data.TargetStd + data.TargetMean).ToArray();
        for (int i = 0; i < x.Length; i++) Assert.Equal(x[i] * 0.5, y[i], 5);
    }

    [Fact]
    public void Missing_target_column_lists_the_columns()
    {
        using var dir = new TempFolder();
        ThrowsData(() => Load(dir, "a,b,label\n1,2,0\n", target: "class"), "data.csv:1", "\"class\" not found", "\"a\", \"b\", \"label\"");
        ThrowsData(() => Load(dir, "1,2,0\n", target: "7", header: false), "data.csv:1", "\"7\" not found", "0..2");
    }

    [Fact]
    public void Non_numeric_cell_names_line_column_and_text()
    {
        using var dir = new TempFolder();
        ThrowsData(() => Load(dir, "a,b,y\n1,2,0\n3,oops,1\n"), "data.csv:3", "non-numeric", "\"b\"", "\"oops\"");
        ThrowsData(() => Load(dir, "a,y\n1,0.5\n2,x\n", task: "regression"), "data.csv:3", "regression target", "\"x\"");
    }

    [Fact]
    public void Ragged_rows_and_empty_files_name_the_line()
    {
        using var dir = new TempFolder();
        ThrowsData(() => Load(dir, "a,b,y\n1,2,0\n\n1,2\n"), "data.csv:4", "ragged", "2 fields", "3");
        ThrowsData(() => Load(dir, ""), "data.csv", "empty file");
        ThrowsData(() => Load(dir, "a,b,y\n"), "data.csv", "empty file", "no data rows");
        ThrowsData(() => Load(dir, "a,y\n1,0\n2,0\n"), "single class");
    }

    [Fact]
    public void Missing_file_and_bad_task_are_data_errors()
    {
        using var dir = new TempFolder();
        ThrowsData(() => DatasetLoader.Load(new DatasetConfig { Name = "csv", Csv = new CsvDatasetConfig { Path = "none.csv" } }, dir.Path),
            Path.Combine(dir.Path, "none.csv"), "not found");
        ThrowsData(() => DatasetLoader.Load(new DatasetConfig { Name = "csv", Csv = new CsvDatasetConfig { Path = "x.csv", Task = "ranking" } }, dir.Path),
            "ranking", "classification", "regression");
    }
}

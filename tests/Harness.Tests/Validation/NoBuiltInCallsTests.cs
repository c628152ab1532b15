using System.Text.RegularExpressions;
using Xunit;

namespace Harness.Tests.Validation;

/// <summary>Custom losses are written from tensor operations: none may call a libtorch loss.</summary>
public class NoBuiltInCallsTests
{
    static readonly Regex BuiltInLoss = new(
        @"functional\.\w*(loss|cross_entropy|kl_div)\s*\(|\bnn\.\w+Loss\s*\(|Modules\.\w+Loss\b|torchvision\.ops\.\w+\s*\(",
        RegexOptions.Compiled);

    [Fact]
    public void No_custom_loss_source_calls_a_built_in_loss()
    {
        var sources = Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "src", "CustomLosses"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"));
        var offenders = new List<string>();
        foreach (var file in sources)
        {
            var lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
            {
                var code = lines[i].Split("//")[0];
                if (BuiltInLoss.IsMatch(code)) offenders.Add($"{Path.GetFileName(file)}:{i + 1}: {lines[i].Trim()}");
            }
        }
        Assert.True(offenders.Count == 0, "custom losses call built-in losses:\n" + string.Join("\n", offenders));
    }

    [Fact]
    public void The_scan_would_catch_a_call()
    {
        Assert.Matches(BuiltInLoss, "return nn.functional.huber_loss(input, target, delta);");
        Assert.Matches(BuiltInLoss, "var l = torch.nn.functional.cross_entropy(x, y);");
        Assert.Matches(BuiltInLoss, "var m = nn.CrossEntropyLoss();");
        Assert.Matches(BuiltInLoss, "return torchvision.ops.sigmoid_focal_loss(x, y, 0.25, 2.0, r);");
        Assert.DoesNotMatch(BuiltInLoss, "var p = nn.functional.log_softmax(x, 1);");
        Assert.DoesNotMatch(BuiltInLoss, "Reference: \"torchvision.ops.sigmoid_focal_loss\",");
    }
}

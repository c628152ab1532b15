using Xunit;

namespace Harness.Tests.Cli;

/// <summary>
/// experiments/jobs/kubernetes-indexed-job.yaml against the Kubernetes API schema, checked by
/// experiments/jobs/kubernetes-validate (kubernetes-models' validators from npm, plus unknown fields), as a user
/// without a cluster would check it. Skips where node and npm are missing or npm cannot install the validator.
/// </summary>
[Trait("Category", TestCategory.Process)]
public class KubernetesJobFileTests(KubernetesJobFileTests.SchemaChecker checker) : IClassFixture<KubernetesJobFileTests.SchemaChecker>
{
    static readonly string JobFile = Path.Combine(RepositoryPaths.Root, "experiments", "jobs", "kubernetes-indexed-job.yaml");
    static readonly Dictionary<string, string> NoEnvironment = [];

    /// <summary>The validator installed once for the class (npm ci) in a folder of its own outside the working tree, or why it cannot be.</summary>
    public sealed class SchemaChecker : IDisposable
    {
        readonly string? folder;
        readonly string? skipReason;

        public SchemaChecker()
        {
            if (ExternalProcess.Find("node") == null || ExternalProcess.Find("npm") == null)
            {
                skipReason = "node and npm are needed to check the Kubernetes job file (Debian: apt-get install nodejs npm)";
                return;
            }
            folder = HarnessProcess.TempFolder();
            var source = Path.Combine(RepositoryPaths.Root, "experiments", "jobs", "kubernetes-validate");
            foreach (var file in new[] { "package.json", "package-lock.json", "validate.mjs" })
                File.Copy(Path.Combine(source, file), Path.Combine(folder, file));
            var (code, stdout, stderr) = ExternalProcess.Run(
                folder, NoEnvironment, TimeSpan.FromMinutes(5), "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error");
            // npm's first lines name the cause (ECONNREFUSED, ENOTFOUND, E404); its stack trace after them does not help.
            var cause = (stderr + stdout).Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).Take(4);
            if (code != 0) skipReason = $"npm ci could not install the validator (offline?): {string.Join(" / ", cause)}";
        }

        public (int ExitCode, string StdOut, string StdErr) Check(string manifest)
        {
            Skip.If(skipReason != null, skipReason);
            return ExternalProcess.Run(folder!, NoEnvironment, TimeSpan.FromMinutes(1), "node", "validate.mjs", manifest);
        }

        public void Dispose()
        {
            if (folder != null) Directory.Delete(folder, true);
        }
    }

    [SkippableFact]
    public void The_indexed_job_file_is_a_valid_batch_v1_Job()
    {
        var (code, stdout, stderr) = checker.Check(JobFile);
        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("Job/loss-harness valid", stdout);
    }

    [SkippableTheory]
    [InlineData("completionMode: Indexed", "completionMode: Indexd", "/spec/completionMode: must be equal to one of the allowed values (Indexed, NonIndexed)")]
    [InlineData("completions: 4", "completions: \"4\"", "/spec/completions: must be integer")]
    [InlineData("restartPolicy: Never", "restartPolicyy: Never", "/spec/template/spec/restartPolicyy: unknown field")]
    [InlineData("- name: harness", "- nam: harness", "/spec/template/spec/containers/0: must have required property name")]
    public void A_broken_copy_of_the_job_file_fails_with_the_field_named(string line, string broken, string message)
    {
        var text = File.ReadAllText(JobFile);
        Assert.Contains(line, text);
        var copy = Path.Combine(HarnessProcess.TempFolder(), "broken-job.yaml");
        try
        {
            File.WriteAllText(copy, text.Replace(line, broken));
            var (code, stdout, stderr) = checker.Check(copy);
            Assert.True(code == 1, $"exit {code}\n{stdout}{stderr}");
            Assert.Contains(message, stderr);
        }
        finally { Directory.Delete(Path.GetDirectoryName(copy)!, true); }
    }
}

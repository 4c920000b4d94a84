using Kaito.Testing;

namespace Kaito.Charts.Tests;

/// <summary>
/// `helm template` of both charts under the value sets users pick, compared with tests/Charts.Tests/Golden.
/// UPDATE_GOLDEN=1 (make golden) rewrites the files instead.
/// </summary>
public sealed class ChartTemplateTests
{
    public static TheoryData<string, string, string[]> Variants()
    {
        var data = new TheoryData<string, string, string[]>();
        foreach (var chart in new[] { "workspace", "ragengine" })
        {
            data.Add(chart, "default", []);
            data.Add(chart, "cert-manager", ["--set", "certificates.mode=cert-manager"]);
            data.Add(chart, "webhook-url", ["--set", "operator.enabled=false", "--set", "webhook.url=https://127.0.0.1:19443"]);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task Helm_template_matches_golden(string chart, string variant, string[] values)
    {
        var rendered = await Helm.RunAsync(["template", $"kaito-{chart}", Helm.Chart(chart), "--namespace", "kaito-system", .. values]);
        Assert.True(rendered.Succeeded, rendered.ToString());
        var golden = RepositoryPaths.Combine("tests", "Charts.Tests", "Golden", $"{chart}-{variant}.yaml");

        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
        {
            await File.WriteAllTextAsync(golden, rendered.StdOut);
            return;
        }
        Assert.True(File.Exists(golden), $"{golden} is missing; run `make golden`");
        var expected = (await File.ReadAllTextAsync(golden)).ReplaceLineEndings("\n");
        var actual = rendered.StdOut.ReplaceLineEndings("\n");
        if (expected == actual) return;
        var (e, a) = (expected.Split('\n'), actual.Split('\n'));
        var line = Enumerable.Range(0, Math.Min(e.Length, a.Length)).FirstOrDefault(i => e[i] != a[i], Math.Min(e.Length, a.Length));
        Assert.Fail($"helm template of {chart} ({variant}) differs from {golden} at line {line + 1}:\n" +
            $"  expected: {(line < e.Length ? e[line] : "<end>")}\n  actual:   {(line < a.Length ? a[line] : "<end>")}\n" +
            "If the change is intended, run `make golden` and review the diff.");
    }

    [Theory]
    [InlineData("workspace")]
    [InlineData("ragengine")]
    public async Task Helm_lint_is_clean(string chart)
    {
        var lint = await Helm.RunAsync("lint", "--strict", Helm.Chart(chart));

        Assert.True(lint.Succeeded, lint.ToString());
        Assert.Contains("0 chart(s) failed", lint.StdOut, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("workspace", "certificates.mode=vault")]
    [InlineData("ragengine", "webhook.failurePolicy=Sometimes")]
    public async Task Bad_values_are_refused_by_the_schema(string chart, string value)
    {
        var rendered = await Helm.RunAsync("template", "x", Helm.Chart(chart), "--set", value);

        Assert.False(rendered.Succeeded);
        Assert.Contains(value.Split('=')[0].Split('.')[^1], rendered.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deployment_runs_non_root_with_a_read_only_root_and_probes()
    {
        var rendered = await Helm.RunAsync("template", "kaito-workspace", Helm.Chart("workspace"), "--namespace", "kaito-system", "--show-only", "templates/deployment.yaml");

        Assert.True(rendered.Succeeded, rendered.ToString());
        foreach (var expected in new[] { "runAsNonRoot: true", "readOnlyRootFilesystem: true", "allowPrivilegeEscalation: false", "path: /healthz", "path: /readyz", "- ALL" })
            Assert.Contains(expected, rendered.StdOut, StringComparison.Ordinal);
    }
}

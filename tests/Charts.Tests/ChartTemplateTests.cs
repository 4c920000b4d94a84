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
        if (Difference(await File.ReadAllTextAsync(golden), rendered.StdOut) is { } difference)
            Assert.Fail($"helm template of {chart} ({variant}) differs from {golden} {difference}\nIf the change is intended, run `make golden` and review the diff.");
    }

    /// <summary>Where <paramref name="actual"/> first departs from <paramref name="expected"/>; null when they are equal.</summary>
    static string? Difference(string expected, string actual)
    {
        var (e, a) = (expected.ReplaceLineEndings("\n").Split('\n'), actual.ReplaceLineEndings("\n").Split('\n'));
        if (e.SequenceEqual(a)) return null;
        var line = Enumerable.Range(0, Math.Min(e.Length, a.Length)).FirstOrDefault(i => e[i] != a[i], Math.Min(e.Length, a.Length));
        return $"at line {line + 1}:\n  expected: {(line < e.Length ? e[line] : "<end>")}\n  actual:   {(line < a.Length ? a[line] : "<end>")}";
    }

    [Fact]
    public async Task A_changed_template_no_longer_matches_the_golden_file()
    {
        // A copy of the chart with one template edited the way a careless change would.
        var copy = Directory.CreateTempSubdirectory("kaito-chart-").FullName;
        try
        {
            foreach (var file in Directory.EnumerateFiles(Helm.Chart("workspace"), "*", SearchOption.AllDirectories))
            {
                var target = Path.Combine(copy, Path.GetRelativePath(Helm.Chart("workspace"), file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
            var service = Path.Combine(copy, "templates", "service.yaml");
            await File.WriteAllTextAsync(service, (await File.ReadAllTextAsync(service)).Replace("port: 443", "port: 8443", StringComparison.Ordinal));

            var rendered = await Helm.RunAsync("template", "kaito-workspace", copy, "--namespace", "kaito-system");
            var golden = await File.ReadAllTextAsync(RepositoryPaths.Combine("tests", "Charts.Tests", "Golden", "workspace-default.yaml"));

            Assert.True(rendered.Succeeded, rendered.ToString());
            var difference = Difference(golden, rendered.StdOut);
            Assert.NotNull(difference);
            Assert.Contains("port: 8443", difference, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    [Fact]
    public async Task A_namespace_selector_value_replaces_the_default_one_in_every_webhook()
    {
        var rendered = await Helm.RunAsync("template", "kaito-workspace", Helm.Chart("workspace"), "--namespace", "kaito-system",
            "--show-only", "templates/webhooks.yaml", "--set", "webhook.namespaceSelector.matchLabels.team=ml");

        Assert.True(rendered.Succeeded, rendered.ToString());
        var configurations = k8s.KubernetesYaml.LoadAllFromString(rendered.StdOut);
        var selectors = configurations.OfType<k8s.Models.V1MutatingWebhookConfiguration>().SelectMany(c => c.Webhooks.Select(w => w.NamespaceSelector))
            .Concat(configurations.OfType<k8s.Models.V1ValidatingWebhookConfiguration>().SelectMany(c => c.Webhooks.Select(w => w.NamespaceSelector)))
            .ToList();
        // Workspaces and InferenceSets, each mutated and validated.
        Assert.Equal(4, selectors.Count);
        Assert.All(selectors, s =>
        {
            Assert.Equal("ml", s.MatchLabels["team"]);
            Assert.Null(s.MatchExpressions);
        });
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

    [Theory]
    [InlineData(true, "workspace,inferenceset", new[] { "workspaces", "inferencesets" })]
    [InlineData(false, "workspace", new[] { "workspaces" })]
    public async Task The_inferenceset_gate_switches_its_controller_webhooks_and_grants_together(bool enabled, string controllers, string[] admitted)
    {
        var rendered = await Helm.RunAsync("template", "kaito-workspace", Helm.Chart("workspace"), "--namespace", "kaito-system",
            "--set", $"operator.featureGates.enableInferenceSetController={enabled.ToString().ToLowerInvariant()}");
        Assert.True(rendered.Succeeded, rendered.ToString());
        var objects = k8s.KubernetesYaml.LoadAllFromString(rendered.StdOut);

        var args = objects.OfType<k8s.Models.V1Deployment>().Single().Spec.Template.Spec.Containers[0].Args;
        Assert.Contains($"--controllers={controllers}", args);
        foreach (var webhooks in new[]
        {
            objects.OfType<k8s.Models.V1MutatingWebhookConfiguration>().Single().Webhooks.SelectMany(w => w.Rules.SelectMany(r => r.Resources)),
            objects.OfType<k8s.Models.V1ValidatingWebhookConfiguration>().Single().Webhooks.SelectMany(w => w.Rules.SelectMany(r => r.Resources)),
        })
            Assert.Equal(admitted, webhooks);
        var granted = objects.OfType<k8s.Models.V1ClusterRole>().Single().Rules.SelectMany(r => r.Resources).ToList();
        Assert.Equal(enabled, granted.Contains("inferencesets"));
    }
}

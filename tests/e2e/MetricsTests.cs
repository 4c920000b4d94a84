using System.Text.RegularExpressions;
using Kaito.Testing;

namespace Kaito.E2E.Tests;

/// <summary>The operator's /metrics after real reconciles: controller-runtime's names plus the kaito_* gauges.</summary>
[Collection(ControlPlaneCollection.Name)]
[Trait("Requires", "LocalControlPlane")]
public sealed class MetricsTests(ControlPlaneFixture fixture) : IAsyncLifetime
{
    ControlPlane Plane => fixture.Plane;

    public Task InitializeAsync() => fixture.Plane.EnsureOperatorAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    static async Task<string> ScrapeAsync(string release = LocalOperator.WorkspaceRelease)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        return await http.GetStringAsync(new Uri(await LocalOperator.HealthAddressAsync(release), "/metrics"));
    }

    static double Value(string text, string series)
    {
        var match = Regex.Match(text, "^" + Regex.Escape(series) + " ([0-9.eE+-]+)$", RegexOptions.Multiline);
        Assert.True(match.Success, $"series {series} not found in /metrics");
        return double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Metrics_expose_controller_runtime_names_that_count_a_workspace_reconcile()
    {
        var before = Value(await ScrapeAsync(), "workqueue_adds_total{name=\"workspace\"}");
        await using var ns = await Plane.CreateNamespaceAsync("metrics");
        Assert.True((await Plane.KubectlAsync(["create", "-n", ns.Name, "-f", RepositoryPaths.Combine("examples/inference/kaito_workspace_phi_3.yaml")])).Succeeded);
        await Eventually.WaitAsync(async () => KubectlJson.ConditionStatus(await Plane.GetJsonAsync("workspace", "workspace-phi-3-mini", "-n", ns.Name), "WorkspaceSucceeded") == "True",
            TimeSpan.FromMinutes(3), "the workspace to succeed");

        var text = await ScrapeAsync();

        foreach (var name in new[]
        {
            "controller_runtime_reconcile_total", "controller_runtime_reconcile_errors_total", "controller_runtime_reconcile_time_seconds",
            "controller_runtime_active_workers", "controller_runtime_max_concurrent_reconciles", "workqueue_depth", "workqueue_adds_total",
            "workqueue_retries_total", "workqueue_queue_duration_seconds", "workqueue_work_duration_seconds", "kaito_workspaces",
        })
            Assert.Contains($"# TYPE {name} ", text, StringComparison.Ordinal);
        // The RAGEngine gauge comes from the operator that runs that controller (its own Deployment in the cluster).
        var rag = LocalOperator.InCluster ? await ScrapeAsync(LocalOperator.RagEngineRelease) : text;
        Assert.Contains("# TYPE kaito_ragengines ", rag, StringComparison.Ordinal);
        Assert.True(Value(text, "workqueue_adds_total{name=\"workspace\"}") > before);
        Assert.True(Value(text, "controller_runtime_reconcile_total{controller=\"workspace\",result=\"success\"}")
            + Value(text, "controller_runtime_reconcile_total{controller=\"workspace\",result=\"requeue_after\"}") > 0);
        Assert.True(Value(text, "controller_runtime_reconcile_time_seconds_count{controller=\"workspace\"}") > 0);
        Assert.True(Value(text, "kaito_workspaces{succeeded=\"true\"}") >= 1);
        Assert.Equal(4, Value(text, "controller_runtime_max_concurrent_reconciles{controller=\"workspace\"}"));
    }
}

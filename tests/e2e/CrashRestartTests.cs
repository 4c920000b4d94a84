using System.Text.Json.Nodes;
using Kaito.Testing;

namespace Kaito.E2E.Tests;

/// <summary>The operator killed (SIGKILL) at random points while it reconciles, and restarted, 20 times.</summary>
[Collection(ControlPlaneCollection.Name)]
[Trait("Requires", "LocalControlPlane")]
public sealed class CrashRestartTests(ControlPlaneFixture fixture) : IAsyncLifetime
{
    ControlPlane Plane => fixture.Plane;

    public Task InitializeAsync() => fixture.Plane.EnsureOperatorAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    static readonly (string Name, string Preset, string Sku)[] Workspaces =
    [
        ("crash-a", "phi-3-mini-4k-instruct", "Standard_NC6s_v3"),
        ("crash-b", "qwen2.5-coder-32b-instruct", "Standard_NV36ads_A10_v5"),
        ("crash-c", "falcon-7b", "Standard_NC12s_v3"),
        ("crash-d", "mistral-7b", "Standard_NV36ads_A10_v5"),
    ];

    [Fact]
    public async Task Killing_the_operator_during_reconciles_never_duplicates_a_nodeclaim_and_converges()
    {
        await using var ns = await Plane.CreateNamespaceAsync("crash");
        var targets = new Dictionary<string, int>();
        foreach (var (name, preset, sku) in Workspaces)
        {
            var plan = Kaito.Presets.CapacityPlanner.Plan(new Kaito.Presets.PlanRequest(
                Kaito.Presets.ModelCatalog.Default.Find(preset)!, Kaito.Presets.SkuCatalog.Default.Find("azure", sku)!.Shape));
            targets[name] = plan.Nodes;
            var created = await Plane.KubectlAsync(["apply", "-n", ns.Name, "-f", "-"], WorkspaceManifests.Inference(name, sku, preset));
            Assert.True(created.Succeeded, created.ToString());
        }
        Assert.Contains(targets.Values, t => t > 1);

        var random = new Random(7);
        for (var round = 0; round < 20; round++)
        {
            await Task.Delay(random.Next(50, 1500));
            await LocalOperator.KillAsync();
            await AssertNoDuplicatesAsync(ns.Name, targets);
            var restarted = await LocalOperator.RestartAsync();
            Assert.True(restarted.Succeeded, restarted.ToString());
        }

        await Eventually.WaitAsync(async () =>
        {
            var list = JsonNode.Parse((await Plane.KubectlAsync(["get", "wk", "-n", ns.Name, "-o", "json"])).StdOut)!["items"]!.AsArray();
            return list.All(ws => (ws!["status"]?["conditions"] as JsonArray)?.Any(c =>
                c?["type"]?.GetValue<string>() == "WorkspaceSucceeded" && c["status"]?.GetValue<string>() == "True") == true);
        }, TimeSpan.FromMinutes(3), "every workspace to converge after the restarts");
        foreach (var (name, count) in await NodeClaimCounts(ns.Name))
            Assert.Equal(targets[name], count);
    }

    async Task AssertNoDuplicatesAsync(string ns, Dictionary<string, int> targets)
    {
        foreach (var (name, count) in await NodeClaimCounts(ns))
            Assert.True(count <= targets[name], $"{name} has {count} NodeClaims, more than its {targets[name]}");
    }

    async Task<Dictionary<string, int>> NodeClaimCounts(string ns)
    {
        var claims = JsonNode.Parse((await Plane.KubectlAsync(["get", "nodeclaims", "-l", $"kaito.sh/workspacenamespace={ns}", "-o", "json"])).StdOut)!["items"]!.AsArray();
        return claims.GroupBy(c => c!["metadata"]!["labels"]!["kaito.sh/workspace"]!.GetValue<string>()).ToDictionary(g => g.Key, g => g.Count());
    }
}

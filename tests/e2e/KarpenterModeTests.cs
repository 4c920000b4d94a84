using Kaito.Testing;

namespace Kaito.E2E.Tests;

/// <summary>
/// The operator with --node-provisioner karpenter: one NodePool per Workspace, whose NodeClaims (made by Karpenter,
/// here by the simulator) become the Workspace's nodes; deleting the Workspace deletes the pool. It restarts the local
/// operator in that mode and back, so `make test` runs it on its own (Category=Exclusive).
/// </summary>
[Collection(ControlPlaneCollection.Name)]
[Trait("Requires", "LocalControlPlane")]
[Trait("Category", "Exclusive")]
public sealed class KarpenterModeTests(ControlPlaneFixture fixture) : IAsyncLifetime
{
    ControlPlane Plane => fixture.Plane;

    static Task<ProcessResult> RestartOperatorAsync(string provisioner) =>
        LocalOperator.RestartAsync(new Dictionary<string, string> { ["KAITO_NODE_PROVISIONER"] = provisioner });

    public async Task InitializeAsync()
    {
        await Plane.EnsureOperatorAsync();
        var restarted = await RestartOperatorAsync("karpenter");
        Assert.True(restarted.Succeeded, restarted.ToString());
    }

    public async Task DisposeAsync()
    {
        var restored = await RestartOperatorAsync("gpu-provisioner");
        Assert.True(restored.Succeeded, restored.ToString());
    }

    [Fact]
    public async Task Workspace_gets_a_nodepool_whose_nodeclaims_become_its_nodes_and_deletion_removes_the_pool()
    {
        await using var ns = await Plane.CreateNamespaceAsync("karpenter");
        var example = RepositoryPaths.Combine("examples/inference/kaito_workspace_phi_3.yaml");
        Assert.True((await Plane.KubectlAsync(["apply", "-n", ns.Name, "-f", example])).Succeeded);
        var wait = await Plane.KubectlAsync(["wait", "-n", ns.Name, "--for=condition=WorkspaceSucceeded", "--timeout=100s", "workspace/workspace-phi-3-mini"]);
        Assert.True(wait.Succeeded, wait.ToString());

        var pool = await Plane.GetJsonAsync("nodepool", $"{ns.Name}-workspace-phi-3-mini");
        Assert.Equal(1, pool["spec"]!["replicas"]!.GetValue<long>());
        Assert.Contains("Standard_NC6s_v3", pool["spec"]!["template"]!["spec"]!["requirements"]!.ToJsonString(), StringComparison.Ordinal);
        var claims = (await Plane.GetJsonAsync("nodeclaims", "-l", $"karpenter.sh/nodepool={ns.Name}-workspace-phi-3-mini"))["items"]!.AsArray();
        var claim = Assert.Single(claims)!;
        Assert.Equal("workspace-phi-3-mini", claim["metadata"]!["labels"]!["kaito.sh/workspace"]!.GetValue<string>());
        var workers = await Plane.KubectlAsync(["get", "workspace", "workspace-phi-3-mini", "-n", ns.Name, "-o", "jsonpath={.status.workerNodes[0]}"]);
        Assert.Equal(claim["status"]!["nodeName"]!.GetValue<string>(), workers.StdOut.Trim());

        var deleted = await Plane.KubectlAsync(["delete", "-n", ns.Name, "workspace/workspace-phi-3-mini", "--timeout=100s"]);
        Assert.True(deleted.Succeeded, deleted.ToString());
        var left = await Plane.KubectlAsync(["get", "nodepool", $"{ns.Name}-workspace-phi-3-mini", "--ignore-not-found", "-o", "name"]);
        Assert.Equal("", left.StdOut.Trim());
        var leftClaims = await Plane.KubectlAsync(["get", "nodeclaims", "-l", $"karpenter.sh/nodepool={ns.Name}-workspace-phi-3-mini", "-o", "name"]);
        Assert.Equal("", leftClaims.StdOut.Trim());
    }

    [Fact]
    public async Task An_inference_set_gets_a_nodepool_per_replica_and_scaling_to_zero_deletes_them()
    {
        await using var ns = await Plane.CreateNamespaceAsync("karpenter-set");
        var text = (await File.ReadAllTextAsync(RepositoryPaths.Combine("examples/inferenceset/kaito_inferenceset_phi_3.5-instruct.yaml")))
            .Replace("scale-down-cooldown: \"2m\"", "scale-down-cooldown: \"0s\"", StringComparison.Ordinal);
        var applied = await Plane.KubectlAsync(["apply", "-n", ns.Name, "-f", "-"], text);
        Assert.True(applied.Succeeded, applied.ToString());
        const string set = "phi-3-5-mini-set";
        string[] pools = [$"{ns.Name}-{set}-0", $"{ns.Name}-{set}-1"];

        await Eventually.WaitAsync(async () => (await Plane.GetJsonAsync("inferenceset", set, "-n", ns.Name))["status"]?["readyReplicas"]?.GetValue<int>() == 2,
            TimeSpan.FromMinutes(3), "2 ready replicas on Karpenter nodes");
        foreach (var name in pools)
        {
            var pool = await Plane.GetJsonAsync("nodepool", name);
            Assert.Equal(1, pool["spec"]!["replicas"]!.GetValue<long>());
            Assert.Single((await Plane.GetJsonAsync("nodeclaims", "-l", $"karpenter.sh/nodepool={name}"))["items"]!.AsArray());
        }

        Assert.True((await Plane.KubectlAsync(["scale", "inferenceset", set, "-n", ns.Name, "--replicas=0"])).Succeeded);
        await Eventually.WaitAsync(async () =>
        {
            foreach (var name in pools)
            {
                var left = await Plane.KubectlAsync(["get", "nodepool", name, "--ignore-not-found", "-o", "name"]);
                var claims = await Plane.KubectlAsync(["get", "nodeclaims", "-l", $"karpenter.sh/nodepool={name}", "-o", "name"]);
                if (!left.Succeeded || left.StdOut.Trim().Length > 0 || !claims.Succeeded || claims.StdOut.Trim().Length > 0) return false;
            }
            return true;
        }, TimeSpan.FromMinutes(3), "every NodePool and its NodeClaims gone at replicas 0");

        Assert.True((await Plane.KubectlAsync(["scale", "inferenceset", set, "-n", ns.Name, "--replicas=1"])).Succeeded);
        await Eventually.WaitAsync(async () => (await Plane.GetJsonAsync("inferenceset", set, "-n", ns.Name))["status"]?["readyReplicas"]?.GetValue<int>() == 1,
            TimeSpan.FromMinutes(3), "1 ready replica again, on a new NodePool");
        Assert.Equal(1, (await Plane.GetJsonAsync("nodepool", pools[0]))["spec"]!["replicas"]!.GetValue<long>());
    }
}

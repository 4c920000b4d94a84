using Kaito.Testing;

namespace Kaito.E2E.Tests;

/// <summary>
/// A GPU size the SKU catalog does not list (Standard_ND96asr_v4, the 8 × A100 40 GB size): admitted with a warning, its
/// first node provisioned before planning, and the plan made from the node's NVIDIA labels. The GPU simulator sells the
/// size (it plays a cloud that knows more sizes than the catalog).
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class UnlistedSkuTests(ControlPlaneFixture fixture) : IAsyncLifetime
{
    const string Wait = "--timeout=300s";

    ControlPlane Plane => fixture.Plane;

    public Task InitializeAsync() => fixture.Plane.EnsureOperatorAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    static string Workspace(string name, string instanceType, string preset = "phi-3-mini-4k-instruct", string? declared = null) => $$"""
        apiVersion: kaito.sh/v1beta1
        kind: Workspace
        metadata:
          name: {{name}}
        {{(declared is null ? "" : $"  annotations:\n    kaito.sh/sku-gpus: \"{declared}\"\n")}}resource:
          instanceType: {{instanceType}}
          labelSelector:
            matchLabels:
              apps: {{name}}
        inference:
          preset:
            name: {{preset}}
        """;


    [Fact]
    [Trait("Requires", "LocalControlPlane")]
    public async Task An_unlisted_gpu_size_is_admitted_with_a_warning_and_planned_from_its_nodes_labels()
    {
        await using var ns = await Plane.CreateNamespaceAsync("unlisted-sku");

        var applied = await Plane.KubectlAsync(["apply", "-n", ns.Name, "-f", "-"], Workspace("ws-nd96", "Standard_ND96asr_v4"));
        Assert.True(applied.Succeeded, applied.ToString());
        Assert.Contains("Warning: resource.instanceType Standard_ND96asr_v4 is not in the azure GPU catalog: the GPU fit check was skipped", applied.StdErr, StringComparison.Ordinal);

        await Plane.KubectlOkAsync("wait", "-n", ns.Name, "--for=condition=WorkspaceSucceeded", Wait, "workspace/ws-nd96");

        var node = (await Plane.KubectlOkAsync("get", "nodeclaims", "-l", $"kaito.sh/workspace=ws-nd96,kaito.sh/workspacenamespace={ns.Name}",
            "-o", "jsonpath={.items[*].status.nodeName}")).StdOut.Trim();
        Assert.False(string.IsNullOrEmpty(node) || node.Contains(' ', StringComparison.Ordinal), $"expected one NodeClaim with a node, got \"{node}\"");
        var product = (await Plane.KubectlOkAsync("get", "node", node, "-o", "jsonpath={.metadata.labels.nvidia\\.com/gpu\\.product}")).StdOut.Trim();
        Assert.Equal("NVIDIA-A100-SXM4-40GB", product);
        // The workload takes every GPU the node reports: the plan came from its labels, not from a catalog entry.
        var gpus = (await Plane.KubectlOkAsync("get", "deployment", "ws-nd96", "-n", ns.Name,
            "-o", "jsonpath={.spec.template.spec.containers[0].resources.limits.nvidia\\.com/gpu}")).StdOut.Trim();
        Assert.Equal("8", gpus);

        await Plane.KubectlOkAsync("delete", "-n", ns.Name, "workspace/ws-nd96", Wait);
        var left = await Plane.KubectlOkAsync("get", "nodeclaims", "-l", $"kaito.sh/workspace=ws-nd96,kaito.sh/workspacenamespace={ns.Name}", "-o", "name");
        Assert.Equal("", left.StdOut.Trim());
    }

    [Fact]
    public async Task A_typo_and_declared_gpus_that_are_too_small_are_refused_at_apply()
    {
        await using var ns = await Plane.CreateNamespaceAsync("unlisted-sku-bad");

        var typo = await Plane.KubectlAsync(["apply", "-n", ns.Name, "-f", "-"], Workspace("ws-typo", "Standard_NC24ads_A100_v5"));
        Assert.False(typo.Succeeded, typo.ToString());
        Assert.Contains("resource.instanceType", typo.StdErr, StringComparison.Ordinal);
        Assert.Contains("did you mean Standard_NC24ads_A100_v4?", typo.StdErr, StringComparison.Ordinal);

        var small = await Plane.KubectlAsync(["apply", "-n", ns.Name, "-f", "-"], Workspace("ws-small", "Standard_ND96asr_v4", "falcon-40b", "1x16Gi/V100"));
        Assert.False(small.Succeeded, small.ToString());
        Assert.Contains("cheapest SKUs that fit", small.StdErr, StringComparison.Ordinal);

        var cpu = await Plane.KubectlAsync(["apply", "-n", ns.Name, "-f", "-"], Workspace("ws-cpu", "Standard_D8s_v3"));
        Assert.False(cpu.Succeeded, cpu.ToString());
        Assert.Contains("nor named like one", cpu.StdErr, StringComparison.Ordinal);
    }
}

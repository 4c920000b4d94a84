using System.Text.Json.Nodes;
using Kaito.Api.V1Beta1.Serialization;
using Kaito.Presets;
using Kaito.Testing;

namespace Kaito.E2E.Tests;

public sealed partial class RealNodeWorkloadTests
{
    /// <summary>
    /// The InferenceSet quick start as written (only its cool-down shortened): the operator provisions a NodeClaim per
    /// replica, the GPU simulator hands the real node to one of them and simulates a node for the other, and the replica on
    /// the real node answers from a real container. Scaling to zero gives both nodes back (the real one is kept, unlabelled;
    /// the simulated one is deleted) and scaling to one serves from the real node again.
    /// </summary>
    [Fact]
    public async Task The_inferenceset_quick_start_serves_from_the_real_node_and_scales_to_zero_and_back()
    {
        const string Example = "examples/inferenceset/kaito_inferenceset_phi_3.5-instruct.yaml";
        await using var ns = await Plane.CreateNamespaceAsync("real-iset");
        var set = YamlDocuments.ToJson(await File.ReadAllTextAsync(RepositoryPaths.Combine(Example))).OfType<JsonObject>().Single();
        set["metadata"]!["namespace"] = ns.Name;
        set["metadata"]!["annotations"]![ScaleDownCooldown.Annotation] = "0s";
        var name = set["metadata"]!["name"]!.GetValue<string>();
        var replicas = (int)set["spec"]!["replicas"]!.GetValue<long>();
        var preset = set["spec"]!["template"]!["inference"]!["preset"]!["name"]!.GetValue<string>();
        var sku = await node.BecomeAsync(set["spec"]!["template"]!["resource"]!["instanceType"]!.GetValue<string>(), new Dictionary<string, string>());
        await node.OfferToNodeClaimsAsync();
        await PublishDoubleAsAsync(new ModelImages(PresetRegistry).For(ModelCatalog.Default.Find(preset)!));
        output.WriteLine($"{Example}: the real node is a {sku.Name} offered to NodeClaims; {replicas} replicas of {preset}");

        var clock = System.Diagnostics.Stopwatch.StartNew();
        await ApplyAsync(set);
        await SetReadyAsync(ns.Name, name, replicas);
        output.WriteLine($"{Example}: {replicas}/{replicas} replicas ready {clock.Elapsed.TotalSeconds:0.0}s after kubectl apply");

        // One replica got the real node, the other a simulated one: one NodeClaim each, never the same node twice.
        var children = await SetChildrenAsync(ns.Name, name);
        Assert.Equal(replicas, children.Count);
        var workers = children.ToDictionary(c => c["metadata"]!["name"]!.GetValue<string>(),
            c => c["status"]!["workerNodes"]!.AsArray().Select(n => n!.GetValue<string>()).Single());
        Assert.Equal(replicas, workers.Values.Distinct().Count());
        var onRealNode = workers.Single(w => w.Value == RealGpuNode.Name).Key;
        var simulatedNodes = workers.Values.Where(n => n != RealGpuNode.Name).ToList();
        var claimed = await node.ClaimedByAsync();
        Assert.NotNull(claimed);
        Assert.Equal(onRealNode, JsonNode.Parse((await Plane.KubectlOkAsync("get", "nodeclaim", claimed, "-o", "json")).StdOut)!["metadata"]!["labels"]!["kaito.sh/workspace"]!.GetValue<string>());

        await AnswersFromTheRealNodeAsync(ns.Name, onRealNode, preset);
        output.WriteLine($"{Example}: replica {onRealNode} answered from the real node, {clock.Elapsed.TotalSeconds:0.0}s after kubectl apply");

        // Scale to zero: both NodeClaims go; the real node stays, given back without the claim's labels; the simulated one is deleted.
        await Plane.KubectlOkAsync("scale", "inferenceset", name, "-n", ns.Name, "--replicas=0");
        var scaledAt = clock.Elapsed;
        await Eventually.WaitAsync(async () => (await SetChildrenAsync(ns.Name, name)).Count == 0
            && (await Plane.GetJsonAsync("nodeclaims", "-l", $"kaito.sh/workspacenamespace={ns.Name}"))["items"]!.AsArray().Count == 0,
            TimeSpan.FromMinutes(2), "every replica and its NodeClaim to go");
        output.WriteLine($"{Example}: replicas and NodeClaims gone {(clock.Elapsed - scaledAt).TotalSeconds:0.0}s after kubectl scale --replicas=0");
        await Eventually.WaitAsync(async () => (await Plane.KubectlAsync(["get", "pods", "-n", ns.Name, "-l", "kaito.sh/workspace", "-o", "name"])).StdOut.Trim().Length == 0,
            TimeSpan.FromMinutes(2), "the replicas' pods to go");
        output.WriteLine($"{Example}: their pods gone {(clock.Elapsed - scaledAt).TotalSeconds:0.0}s after kubectl scale --replicas=0");
        Assert.Null(await node.ClaimedByAsync());
        var realNode = await Plane.GetJsonAsync("node", RealGpuNode.Name);
        Assert.Null(realNode["metadata"]!["labels"]!["kaito.sh/workspace"]);
        foreach (var simulated in simulatedNodes)
            Assert.False((await Plane.KubectlAsync(["get", "node", simulated])).Succeeded, $"the simulated node {simulated} should be deleted with its NodeClaim");
        output.WriteLine($"{Example}: scaled to zero, every node given back {clock.Elapsed.TotalSeconds:0.0}s after kubectl apply");

        // Scale from zero: replica 0 comes back, on the real node.
        await Plane.KubectlOkAsync("scale", "inferenceset", name, "-n", ns.Name, "--replicas=1");
        await SetReadyAsync(ns.Name, name, 1);
        var back = Assert.Single(await SetChildrenAsync(ns.Name, name));
        Assert.Equal(RealGpuNode.Name, back["status"]!["workerNodes"]![0]!.GetValue<string>());
        await AnswersFromTheRealNodeAsync(ns.Name, back["metadata"]!["name"]!.GetValue<string>(), preset);

        await Plane.KubectlOkAsync("delete", "inferenceset", name, "-n", ns.Name, "--wait=true", "--timeout=120s");
        await Eventually.WaitAsync(async () => (await Plane.KubectlAsync(["get", "pods", "-n", ns.Name, "-o", "name"])).StdOut.Trim().Length == 0
            && await node.ClaimedByAsync() is null, TimeSpan.FromMinutes(2), "the set's pods to go and the real node to be given back");
    }

    async Task SetReadyAsync(string ns, string set, int replicas) =>
        await Eventually.WaitAsync(async () =>
        {
            var status = (await Plane.GetJsonAsync("inferenceset", set, "-n", ns))["status"];
            return status?["readyReplicas"]?.GetValue<int>() == replicas && status["replicas"]?.GetValue<int>() == replicas;
        }, TimeSpan.FromMinutes(3), $"{replicas} ready replicas of {set}");

    async Task<List<JsonNode>> SetChildrenAsync(string ns, string set) => [.. (await Plane.InferenceSetChildrenAsync(ns, set)).Select(w => w!)];

    /// <summary>The replica's pod runs on the real node (a containerd container) and answers through its Service, from a pod and through the proxy.</summary>
    async Task AnswersFromTheRealNodeAsync(string ns, string workspace, string preset)
    {
        var pods = JsonNode.Parse((await Plane.KubectlOkAsync("get", "pods", "-n", ns, "-l", $"kaito.sh/workspace={workspace}", "-o", "json")).StdOut)!["items"]!.AsArray();
        Assert.True(pods.Count == 1, $"one pod of {workspace} expected:\n{(await Plane.KubectlOkAsync("get", "pods", "-n", ns, "-o", "wide")).StdOut}");
        var pod = pods[0]!;
        Assert.Equal(RealGpuNode.Name, pod["spec"]!["nodeName"]!.GetValue<string>());
        Assert.StartsWith("containerd://", pod["status"]!["containerStatuses"]![0]!["containerID"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(preset, JsonNode.Parse(await ProxyGetAsync(ns, workspace, "/v1/models"))!["data"]![0]!["id"]!.GetValue<string>());
        var ask = new JsonObject
        {
            ["model"] = preset, ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = $"hello {workspace}" }), ["max_tokens"] = 16,
        }.ToJsonString();
        Assert.Equal($"[{preset} test double] you said: hello {workspace}", ChatText(await CallFromPodAsync(ns, workspace, "/v1/chat/completions", ask, clientImage)));
        Assert.Equal($"[{preset} test double] you said: hello {workspace}", ChatText(await ProxyPostAsync(ns, workspace, "/v1/chat/completions", ask)));
    }
}

using System.Text.Json.Nodes;
using Kaito.Testing;
using Xunit.Abstractions;

namespace Kaito.E2E.Tests;

/// <summary>
/// InferenceSets as users drive them: kubectl apply, kubectl scale, an HorizontalPodAutoscaler on the scale subresource,
/// template changes rolled within maxUnavailable, and scale to zero giving every GPU node back.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
[Trait("Requires", "LocalControlPlane")]
public sealed class InferenceSetTests(ControlPlaneFixture fixture, ITestOutputHelper output) : IAsyncLifetime
{
    const string Example = "examples/inferenceset/kaito_inferenceset_phi_3.5-instruct.yaml";
    const string Set = "phi-3-5-mini-set";

    ControlPlane Plane => fixture.Plane;

    public Task InitializeAsync() => fixture.Plane.EnsureOperatorAsync();

    public Task DisposeAsync() => Task.CompletedTask;


    /// <summary>The example, with the cool-down and replicas given.</summary>
    async Task ApplyAsync(string ns, int replicas, string cooldown = "0s", string? templateLabel = null)
    {
        var text = (await File.ReadAllTextAsync(RepositoryPaths.Combine(Example)))
            .Replace("scale-down-cooldown: \"2m\"", $"scale-down-cooldown: \"{cooldown}\"", StringComparison.Ordinal)
            .Replace("replicas: 2", $"replicas: {replicas}", StringComparison.Ordinal);
        if (templateLabel is not null)
            text = text.Replace("  template:\n", $"  template:\n    metadata:\n      labels: {{revision: \"{templateLabel}\"}}\n", StringComparison.Ordinal);
        var applied = await Plane.KubectlAsync(["apply", "-n", ns, "-f", "-"], text);
        Assert.True(applied.Succeeded, applied.ToString());
    }

    Task<JsonArray> ChildrenAsync(string ns) => Plane.InferenceSetChildrenAsync(ns, Set);

    async Task<int> NodeClaimsAsync(string ns) =>
        (await Plane.GetJsonAsync("nodeclaims", "-l", $"kaito.sh/workspacenamespace={ns}"))["items"]!.AsArray().Count;

    async Task<JsonObject> SetAsync(string ns) => await Plane.GetJsonAsync("inferenceset", Set, "-n", ns);

    async Task WaitReadyAsync(string ns, int replicas)
    {
        await Eventually.WaitAsync(async () =>
        {
            var set = await SetAsync(ns);
            return set["status"]?["readyReplicas"]?.GetValue<int>() == replicas && set["status"]?["replicas"]?.GetValue<int>() == replicas
                && KubectlJson.ConditionStatus(set, "Ready") == "True";
        }, TimeSpan.FromMinutes(3), $"{replicas} ready replicas");
    }

    [Fact]
    public async Task Scaling_two_to_zero_gives_every_gpu_node_back_and_scaling_from_zero_reports_the_cold_start()
    {
        await using var ns = await Plane.CreateNamespaceAsync("iset-scale");
        await ApplyAsync(ns.Name, replicas: 2);
        await WaitReadyAsync(ns.Name, 2);
        var names = (await ChildrenAsync(ns.Name)).Select(w => w!["metadata"]!["name"]!.GetValue<string>()).Order(StringComparer.Ordinal).ToList();
        Assert.Equal([$"{Set}-0", $"{Set}-1"], names);
        Assert.Equal(2, await NodeClaimsAsync(ns.Name));
        var columns = (await Plane.KubectlOkAsync("get", "is", Set, "-n", ns.Name)).StdOut;
        Assert.Matches(@"REPLICAS\s+READYREPLICAS", columns);

        await Plane.KubectlOkAsync("scale", "inferenceset", Set, "-n", ns.Name, "--replicas=0");
        await Eventually.WaitAsync(async () => (await ChildrenAsync(ns.Name)).Count == 0 && await NodeClaimsAsync(ns.Name) == 0,
            TimeSpan.FromMinutes(3), "no Workspace and no NodeClaim left at replicas 0");
        var zero = await Eventually.WaitAsync(async () =>
        {
            var set = await SetAsync(ns.Name);
            return KubectlJson.Condition(set, "Ready")?["reason"]?.GetValue<string>() == "ScaledToZero" ? set : null;
        }, TimeSpan.FromSeconds(60), "Ready to say ScaledToZero");
        Assert.Equal(0, zero["status"]!["replicas"]!.GetValue<int>());

        await Plane.KubectlOkAsync("scale", "inferenceset", Set, "-n", ns.Name, "--replicas=1");
        await WaitReadyAsync(ns.Name, 1);
        var set = await SetAsync(ns.Name);
        var coldStart = set["status"]!["lastColdStartSeconds"]!.GetValue<double>();
        output.WriteLine($"cold start from zero: {coldStart} s");
        Assert.True(coldStart > 0);
        Assert.Equal([$"{Set}-0"], (await ChildrenAsync(ns.Name)).Select(w => w!["metadata"]!["name"]!.GetValue<string>()));
        Assert.Equal(1, await NodeClaimsAsync(ns.Name));
    }

    [Fact]
    public async Task A_replica_count_that_flaps_within_the_cool_down_keeps_its_nodes()
    {
        await using var ns = await Plane.CreateNamespaceAsync("iset-cool");
        await ApplyAsync(ns.Name, replicas: 2, cooldown: "10m");
        await WaitReadyAsync(ns.Name, 2);
        var uids = (await ChildrenAsync(ns.Name)).Select(w => w!["metadata"]!["uid"]!.GetValue<string>()).Order(StringComparer.Ordinal).ToList();

        await Plane.KubectlOkAsync("scale", "inferenceset", Set, "-n", ns.Name, "--replicas=1");
        var cooling = await Eventually.WaitAsync(async () =>
        {
            var set = await SetAsync(ns.Name);
            return KubectlJson.Condition(set, "Scaling")?["reason"]?.GetValue<string>() == "CoolingDown" ? set : null;
        }, TimeSpan.FromSeconds(60), "Scaling to say CoolingDown");
        Assert.NotNull(cooling["status"]!["scaleDownPendingSince"]);
        Assert.Equal(2, (await ChildrenAsync(ns.Name)).Count);

        await Plane.KubectlOkAsync("scale", "inferenceset", Set, "-n", ns.Name, "--replicas=2");
        await WaitReadyAsync(ns.Name, 2);
        var after = (await ChildrenAsync(ns.Name)).Select(w => w!["metadata"]!["uid"]!.GetValue<string>()).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(uids, after);
        Assert.Null((await SetAsync(ns.Name))["status"]!["scaleDownPendingSince"]);
    }

    [Fact]
    public async Task A_template_change_replaces_one_replica_at_a_time()
    {
        await using var ns = await Plane.CreateNamespaceAsync("iset-roll");
        await ApplyAsync(ns.Name, replicas: 3, templateLabel: "1");
        await WaitReadyAsync(ns.Name, 3);
        var before = (await ChildrenAsync(ns.Name)).ToDictionary(w => w!["metadata"]!["name"]!.GetValue<string>(), w => w!["metadata"]!["uid"]!.GetValue<string>());

        await ApplyAsync(ns.Name, replicas: 3, templateLabel: "2");
        var worst = 0;
        var samples = 0;
        await Eventually.WaitAsync(async () =>
        {
            var children = await ChildrenAsync(ns.Name);
            var serving = children.Count(w => w!["metadata"]!["deletionTimestamp"] is null && KubectlJson.ConditionStatus(w!.AsObject(), "WorkspaceSucceeded") == "True");
            worst = Math.Max(worst, 3 - serving);
            samples++;
            return children.Count == 3 && serving == 3
                && children.All(w => w!["metadata"]!["labels"]!["revision"]?.GetValue<string>() == "2" && !before.ContainsValue(w["metadata"]!["uid"]!.GetValue<string>()));
        }, TimeSpan.FromMinutes(5), "every replica recreated from the new template and ready");
        output.WriteLine($"{samples} samples during the rollout; at most {worst} replica(s) unavailable at once");
        Assert.InRange(worst, 1, 1);
        var set = await SetAsync(ns.Name);
        Assert.Equal(3, set["status"]!["updatedReplicas"]!.GetValue<int>());
        Assert.Equal("False", KubectlJson.ConditionStatus(set, "Updating"));
    }

    [Fact]
    public async Task An_autoscaler_resolves_the_scale_subresource_and_scaling_through_it_works()
    {
        await using var ns = await Plane.CreateNamespaceAsync("iset-hpa");
        await ApplyAsync(ns.Name, replicas: 1);
        await WaitReadyAsync(ns.Name, 1);

        var scale = JsonNode.Parse((await Plane.KubectlOkAsync("get", "--raw", $"/apis/kaito.sh/v1beta1/namespaces/{ns.Name}/inferencesets/{Set}/scale")).StdOut)!;
        Assert.Equal(1, scale["spec"]!["replicas"]!.GetValue<int>());
        Assert.Equal($"inferenceset.kaito.sh/created-by={Set}", scale["status"]!["selector"]!.GetValue<string>());

        var hpa = await Plane.KubectlAsync(["apply", "-n", ns.Name, "-f", "-"], $$$"""
            apiVersion: autoscaling/v2beta2
            kind: HorizontalPodAutoscaler
            metadata: {name: {{{Set}}}}
            spec:
              scaleTargetRef: {apiVersion: kaito.sh/v1beta1, kind: InferenceSet, name: {{{Set}}}}
              minReplicas: 1
              maxReplicas: 3
              metrics:
                - type: Resource
                  resource: {name: cpu, target: {type: Utilization, averageUtilization: 80}}
            """);
        Assert.True(hpa.Succeeded, hpa.ToString());
        // No metrics server here: the autoscaler cannot compute a recommendation, but it must reach the target's scale.
        await Eventually.WaitAsync(async () =>
        {
            // Read as autoscaling/v2beta2: kubectl's default version of the kind (v1) carries no conditions.
            var read = await Plane.KubectlAsync(["get", "--raw", $"/apis/autoscaling/v2beta2/namespaces/{ns.Name}/horizontalpodautoscalers/{Set}"]);
            var status = read.Succeeded ? JsonNode.Parse(read.StdOut)?["status"] : null;
            return status?["currentReplicas"]?.GetValue<int>() == 1 && (status["conditions"] as JsonArray)?.Any(c => c?["type"]?.GetValue<string>() == "AbleToScale"
                && c["status"]?.GetValue<string>() == "True" && c["reason"]?.GetValue<string>() == "SucceededGetScale") == true;
        }, TimeSpan.FromMinutes(2), "the autoscaler to get the InferenceSet's scale (AbleToScale SucceededGetScale)");
        await Plane.KubectlOkAsync("delete", "hpa", Set, "-n", ns.Name);

        // What an autoscaler does: write spec.replicas through the scale subresource (kubectl scale goes through it too).
        await Plane.KubectlOkAsync("scale", "inferenceset", Set, "-n", ns.Name, "--replicas=2");
        await WaitReadyAsync(ns.Name, 2);
        scale = JsonNode.Parse((await Plane.KubectlOkAsync("get", "--raw", $"/apis/kaito.sh/v1beta1/namespaces/{ns.Name}/inferencesets/{Set}/scale")).StdOut)!;
        Assert.Equal(2, scale["status"]!["replicas"]!.GetValue<int>());
    }

    [Fact]
    public async Task Killing_the_operator_while_it_scales_up_never_makes_an_extra_workspace_or_nodeclaim()
    {
        await using var ns = await Plane.CreateNamespaceAsync("iset-crash");
        await ApplyAsync(ns.Name, replicas: 4);
        var random = new Random(11);
        for (var round = 0; round < 5; round++)
        {
            await Task.Delay(random.Next(50, 800));
            await LocalOperator.KillAsync();
            Assert.True((await ChildrenAsync(ns.Name)).Count <= 4);
            Assert.True(await NodeClaimsAsync(ns.Name) <= 4);
            var restarted = await LocalOperator.RestartAsync();
            Assert.True(restarted.Succeeded, restarted.ToString());
        }
        await WaitReadyAsync(ns.Name, 4);
        Assert.Equal(4, (await ChildrenAsync(ns.Name)).Count);
        Assert.Equal(4, await NodeClaimsAsync(ns.Name));
    }

    [Fact]
    public async Task A_bad_template_is_refused_at_apply_naming_the_template_field_and_the_node_limit()
    {
        await using var ns = await Plane.CreateNamespaceAsync("iset-bad");
        var result = await Plane.KubectlAsync(["apply", "-n", ns.Name, "-f", "-"], """
            apiVersion: kaito.sh/v1beta1
            kind: InferenceSet
            metadata: {name: bad-set}
            spec:
              replicas: 3
              nodeCountLimit: 1
              labelSelector: {matchLabels: {apps: bad-set}}
              updateStrategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: 0}}
              template:
                resource: {instanceType: Standard_NC24ads_A100_v4}
                inference: {preset: {name: phi-3.5-mini-instruc}}
            """);
        Assert.False(result.Succeeded);
        Assert.Contains("spec.template.inference.preset.name", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("spec.updateStrategy.rollingUpdate.maxUnavailable", result.StdErr, StringComparison.Ordinal);

        var overLimit = await Plane.KubectlAsync(["apply", "-n", ns.Name, "-f", "-"], """
            apiVersion: kaito.sh/v1beta1
            kind: InferenceSet
            metadata: {name: limited-set}
            spec:
              replicas: 3
              nodeCountLimit: 2
              labelSelector: {matchLabels: {apps: limited-set}}
              template:
                resource: {instanceType: Standard_NC24ads_A100_v4}
                inference: {preset: {name: phi-3.5-mini-instruct}}
            """);
        Assert.False(overLimit.Succeeded);
        Assert.Contains("spec.nodeCountLimit", overLimit.StdErr, StringComparison.Ordinal);
        Assert.Contains("3 replicas × 1 GPU node(s) each need 3", overLimit.StdErr, StringComparison.Ordinal);
    }
}

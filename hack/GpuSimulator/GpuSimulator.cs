using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Kaito.Api.Karpenter;

namespace Kaito.GpuSimulator;

/// <summary>
/// Stands in for the gpu-provisioner and for kubelets on a cluster without machines: NodeClaims become
/// Nodes with the SKU's GPUs; pods bound to simulated Nodes become Running and Ready (or fail as the
/// Workspace asks); Node heartbeats stay fresh. It also keeps one ordinary CPU node and binds pending
/// PersistentVolumeClaims to host-path volumes, as a cluster's system pool and default storage class would.
/// Polls once a second and writes only what changed.
/// </summary>
public sealed class GpuSimulator(IKubernetes client, TextWriter log)
{
    public const string CpuNodeName = "kaito-sim-cpu-0";
    static readonly TimeSpan HeartbeatEvery = TimeSpan.FromSeconds(10);
    readonly Dictionary<string, DateTime> heartbeats = [];

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await StepAsync(cancellationToken);
            }
            catch (Exception e) when (e is HttpOperationException or HttpRequestException or KubernetesException)
            {
                await log.WriteLineAsync($"simulator step failed, retrying: {e.Message}");
            }
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public async Task StepAsync(CancellationToken cancellationToken)
    {
        await ExpandNodePoolsAsync(cancellationToken);
        var claims = await client.CustomObjects.ListClusterCustomObjectAsync<NodeClaimList>(NodeClaim.Group, NodeClaim.Version, NodeClaim.Plural, cancellationToken: cancellationToken);
        var nodes = (await client.CoreV1.ListNodeAsync(cancellationToken: cancellationToken)).Items.ToDictionary(n => n.Metadata.Name);
        foreach (var claim in claims.Items) await ProvisionAsync(claim, nodes, cancellationToken);
        await EnsureCpuNodeAsync(nodes, cancellationToken);
        await AdoptUserGpuNodesAsync(nodes.Values, cancellationToken);
        await BindVolumeClaimsAsync(cancellationToken);
        await HeartbeatAsync(nodes.Values, cancellationToken);
        await RunPodsAsync(nodes, cancellationToken);
    }

    async Task ProvisionAsync(NodeClaim claim, Dictionary<string, V1Node> nodes, CancellationToken cancellationToken)
    {
        var name = claim.Metadata.Name;
        var finalizers = claim.Metadata.Finalizers ?? [];
        if (claim.Metadata.DeletionTimestamp is not null)
        {
            if (nodes.ContainsKey(name)) await IgnoreNotFound(() => client.CoreV1.DeleteNodeAsync(name, cancellationToken: cancellationToken));
            if (finalizers.Contains(SimulationLabels.TerminationFinalizer))
            {
                await PatchClaimAsync(name, new JsonObject { ["metadata"] = new JsonObject
                {
                    ["finalizers"] = new JsonArray([.. finalizers.Where(f => f != SimulationLabels.TerminationFinalizer).Select(f => (JsonNode)f)]),
                    ["resourceVersion"] = claim.Metadata.ResourceVersion,
                } }, status: false, cancellationToken);
                await log.WriteLineAsync($"NodeClaim {name}: node removed, finalizer released");
            }
            return;
        }
        if (!finalizers.Contains(SimulationLabels.TerminationFinalizer))
        {
            await PatchClaimAsync(name, new JsonObject { ["metadata"] = new JsonObject
            {
                ["finalizers"] = new JsonArray([.. finalizers.Append(SimulationLabels.TerminationFinalizer).Select(f => (JsonNode)f)]),
                ["resourceVersion"] = claim.Metadata.ResourceVersion,
            } }, status: false, cancellationToken);
        }

        var instanceType = NodeFactory.InstanceType(claim);
        var sku = instanceType is null ? null : NodeFactory.FindSku(instanceType);
        if (sku is null)
        {
            await SetClaimStatusAsync(claim, null, "False", "InstanceTypeUnknown", $"no simulated capacity for instance type \"{instanceType}\"", cancellationToken);
            return;
        }
        if (!nodes.ContainsKey(name))
        {
            var storage = claim.Spec?.Resources?.Requests is { } requests && requests.TryGetValue("storage", out var s) ? s.ToString() : "1Ti";
            var taints = (claim.Spec?.Taints ?? []).Select(t => new V1Taint { Key = t.Key, Value = t.Value, Effect = t.Effect });
            var node = NodeFactory.Build(name, sku, claim.Metadata.Labels, taints, storage);
            node.Status = null;   // status is a subresource: written just below
            nodes[name] = await client.CoreV1.CreateNodeAsync(node, cancellationToken: cancellationToken);
            heartbeats[name] = DateTime.UtcNow;
            await log.WriteLineAsync($"NodeClaim {name}: node created ({sku.Name}, {sku.GpuCount} × {sku.GpuModel})");
        }
        // Capacity is (re)asserted whenever it is missing: a status write lost to a conflict is repaired next step.
        if (nodes[name].Status?.Allocatable?.ContainsKey("nvidia.com/gpu") != true)
        {
            var storage = claim.Spec?.Resources?.Requests is { } requests && requests.TryGetValue("storage", out var s) ? s.ToString() : "1Ti";
            var status = NodeFactory.Status(sku.GpuCount, storage, name, DateTime.UtcNow);
            var patch = new JsonObject { ["status"] = JsonNode.Parse(KubernetesJson.Serialize(status)) };
            await IgnoreNotFound(() => client.CoreV1.PatchNodeStatusAsync(new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), name, cancellationToken: cancellationToken));
        }
        if (claim.Status?.NodeName != name || claim.Status.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") != true)
            await SetClaimStatusAsync(claim, sku, "True", "Ready", "simulated node is ready", cancellationToken);
    }

    /// <summary>
    /// Karpenter's part for static NodePools: spec.replicas NodeClaims named &lt;pool&gt;-&lt;i&gt; from the template, owned by the
    /// pool so that deleting the pool removes them. A cluster without the NodePool CRD is skipped.
    /// </summary>
    async Task ExpandNodePoolsAsync(CancellationToken cancellationToken)
    {
        NodePoolList pools;
        try
        {
            pools = await client.CustomObjects.ListClusterCustomObjectAsync<NodePoolList>(NodePool.Group, NodePool.Version, NodePool.Plural, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return;
        }
        foreach (var pool in pools.Items.Where(p => p.Metadata.DeletionTimestamp is null && p.Spec?.Template?.Spec is not null))
        {
            for (var i = 0; i < (pool.Spec!.Replicas ?? 0); i++)
            {
                var labels = new Dictionary<string, string>(pool.Spec.Template!.Metadata?.Labels ?? new Dictionary<string, string>()) { ["karpenter.sh/nodepool"] = pool.Metadata.Name };
                var claim = new NodeClaim
                {
                    Metadata = new V1ObjectMeta
                    {
                        Name = $"{pool.Metadata.Name}-{i.ToString(CultureInfo.InvariantCulture)}",
                        Labels = labels,
                        Annotations = pool.Spec.Template.Metadata?.Annotations,
                        OwnerReferences = [new V1OwnerReference { ApiVersion = pool.ApiVersion, Kind = pool.Kind, Name = pool.Metadata.Name, Uid = pool.Metadata.Uid, BlockOwnerDeletion = true }],
                    },
                    Spec = pool.Spec.Template.Spec,
                };
                try
                {
                    await client.CustomObjects.CreateClusterCustomObjectAsync(claim, NodeClaim.Group, NodeClaim.Version, NodeClaim.Plural, cancellationToken: cancellationToken);
                    await log.WriteLineAsync($"NodePool {pool.Metadata.Name}: NodeClaim {claim.Metadata.Name} created");
                }
                catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
                {
                    // Created on an earlier step.
                }
            }
        }
    }

    async Task EnsureCpuNodeAsync(Dictionary<string, V1Node> nodes, CancellationToken cancellationToken)
    {
        if (!nodes.TryGetValue(CpuNodeName, out var node))
        {
            try
            {
                node = nodes[CpuNodeName] = await client.CoreV1.CreateNodeAsync(NodeFactory.BuildCpu(CpuNodeName), cancellationToken: cancellationToken);
                await log.WriteLineAsync($"node {CpuNodeName} created (CPU only, {NodeFactory.CpuInstanceType})");
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
            {
                return;
            }
        }
        if (node.Status?.Allocatable?.ContainsKey("cpu") == true) return;
        var patch = new JsonObject { ["status"] = JsonNode.Parse(KubernetesJson.Serialize(NodeFactory.Status(0, "200Gi", CpuNodeName, DateTime.UtcNow))) };
        await IgnoreNotFound(() => client.CoreV1.PatchNodeStatusAsync(new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), CpuNodeName, cancellationToken: cancellationToken));
    }

    /// <summary>Nodes a user created with simulation.kaito.sh/gpu-sku get what a kubelet and the NVIDIA device plugin would add.</summary>
    async Task AdoptUserGpuNodesAsync(IEnumerable<V1Node> nodes, CancellationToken cancellationToken)
    {
        foreach (var node in nodes.Where(IsSimulated))
        {
            if (node.Metadata.Labels?.TryGetValue(SimulationLabels.GpuSku, out var skuName) != true || NodeFactory.FindSku(skuName!) is not { } sku) continue;
            var name = node.Metadata.Name;
            var wanted = NodeFactory.Build(name, sku, node.Metadata.Labels, [], "200Gi").Metadata.Labels;
            if (wanted.Any(l => node.Metadata.Labels.TryGetValue(l.Key, out var v) != true || v != l.Value))
            {
                var labels = new JsonObject();
                foreach (var (key, value) in wanted) labels[key] = value;
                await IgnoreNotFound(() => client.CoreV1.PatchNodeAsync(new V1Patch(new JsonObject { ["metadata"] = new JsonObject { ["labels"] = labels } }.ToJsonString(), V1Patch.PatchType.MergePatch), name, cancellationToken: cancellationToken));
                await log.WriteLineAsync($"node {name}: adopted as a simulated {sku.Name} ({sku.GpuCount} × {sku.GpuModel})");
            }
            if (node.Status?.Allocatable?.ContainsKey("nvidia.com/gpu") == true) continue;
            var patch = new JsonObject { ["status"] = JsonNode.Parse(KubernetesJson.Serialize(NodeFactory.Status(sku.GpuCount, "200Gi", name, DateTime.UtcNow))) };
            await IgnoreNotFound(() => client.CoreV1.PatchNodeStatusAsync(new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), name, cancellationToken: cancellationToken));
        }
    }

    /// <summary>A pending claim with no storage class (or "standard") gets a host-path volume reserved for it; the PV controller binds them.</summary>
    async Task BindVolumeClaimsAsync(CancellationToken cancellationToken)
    {
        var claims = await client.CoreV1.ListPersistentVolumeClaimForAllNamespacesAsync(cancellationToken: cancellationToken);
        foreach (var pvc in claims.Items)
        {
            if (pvc.Status?.Phase != "Pending" || !string.IsNullOrEmpty(pvc.Spec?.VolumeName) || pvc.Metadata.DeletionTimestamp is not null) continue;
            if (pvc.Spec?.StorageClassName is { Length: > 0 } cls && cls != "standard") continue;
            var name = "sim-pv-" + pvc.Metadata.Uid;
            var size = pvc.Spec?.Resources?.Requests is { } requests && requests.TryGetValue("storage", out var q) ? q : new ResourceQuantity("1Gi");
            var volume = new V1PersistentVolume
            {
                Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { [SimulationLabels.Simulated] = "true" } },
                Spec = new V1PersistentVolumeSpec
                {
                    Capacity = new Dictionary<string, ResourceQuantity> { ["storage"] = size },
                    AccessModes = pvc.Spec?.AccessModes is { Count: > 0 } modes ? [.. modes] : ["ReadWriteOnce"],
                    StorageClassName = pvc.Spec?.StorageClassName ?? "",
                    PersistentVolumeReclaimPolicy = "Retain",
                    HostPath = new V1HostPathVolumeSource { Path = $"/tmp/kaito-sim/{pvc.Metadata.NamespaceProperty}/{pvc.Metadata.Name}" },
                    ClaimRef = new V1ObjectReference { Kind = "PersistentVolumeClaim", NamespaceProperty = pvc.Metadata.NamespaceProperty, Name = pvc.Metadata.Name, Uid = pvc.Metadata.Uid },
                },
            };
            try
            {
                await client.CoreV1.CreatePersistentVolumeAsync(volume, cancellationToken: cancellationToken);
                await log.WriteLineAsync($"PersistentVolumeClaim {pvc.Metadata.NamespaceProperty}/{pvc.Metadata.Name}: volume {name} ({size}) reserved for it");
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
            {
                // Reserved on an earlier step; the PV controller is binding it.
            }
        }
        // Retained so the PV controller never tries to scrub a host path; removed here once its claim is gone.
        var volumes = await client.CoreV1.ListPersistentVolumeAsync(labelSelector: SimulationLabels.Simulated, cancellationToken: cancellationToken);
        foreach (var released in volumes.Items.Where(v => v.Status?.Phase is "Released" or "Failed" && v.Metadata.DeletionTimestamp is null))
            await IgnoreNotFound(() => client.CoreV1.DeletePersistentVolumeAsync(released.Metadata.Name, cancellationToken: cancellationToken));
    }

    async Task SetClaimStatusAsync(NodeClaim claim, Kaito.Presets.GpuSku? sku, string status, string reason, string message, CancellationToken cancellationToken)
    {
        var now = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        var conditions = new JsonArray();
        foreach (var type in new[] { "Launched", "Registered", "Initialized", "Ready" })
        {
            var old = claim.Status?.Conditions?.FirstOrDefault(c => c.Type == type);
            if (old?.Status == status && old.Reason == reason) { conditions.Add(KubernetesJson.Serialize(old) is var json ? JsonNode.Parse(json) : null); continue; }
            conditions.Add(new JsonObject { ["type"] = type, ["status"] = status, ["reason"] = reason, ["message"] = JsonValue.Create(message), ["lastTransitionTime"] = now });
        }
        var body = new JsonObject { ["conditions"] = conditions };
        if (sku is not null)
        {
            body["nodeName"] = claim.Metadata.Name;
            body["providerID"] = $"kaito-sim://{claim.Metadata.Name}";
            var gpus = new JsonObject { ["nvidia.com/gpu"] = sku.GpuCount.ToString(CultureInfo.InvariantCulture), ["cpu"] = "96", ["memory"] = "880Gi" };
            body["capacity"] = gpus;
            body["allocatable"] = gpus.DeepClone();
        }
        await PatchClaimAsync(claim.Metadata.Name, new JsonObject { ["status"] = body }, status: true, cancellationToken);
    }

    async Task PatchClaimAsync(string name, JsonObject patch, bool status, CancellationToken cancellationToken)
    {
        var body = new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch);
        await IgnoreNotFound(() => status
            ? client.CustomObjects.PatchClusterCustomObjectStatusAsync(body, NodeClaim.Group, NodeClaim.Version, NodeClaim.Plural, name, cancellationToken: cancellationToken)
            : client.CustomObjects.PatchClusterCustomObjectAsync(body, NodeClaim.Group, NodeClaim.Version, NodeClaim.Plural, name, cancellationToken: cancellationToken));
    }

    async Task HeartbeatAsync(IEnumerable<V1Node> nodes, CancellationToken cancellationToken)
    {
        var now = DateTime.UtcNow;
        foreach (var node in nodes.Where(IsSimulated))
        {
            var name = node.Metadata.Name;
            var ready = node.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready");
            var last = ready?.LastHeartbeatTime ?? DateTime.MinValue;
            if (ready?.Status == "True" && now - last.ToUniversalTime() < HeartbeatEvery && heartbeats.ContainsKey(name)) continue;
            var transition = ready?.Status == "True" ? ready.LastTransitionTime ?? now : now;
            var conditions = NodeFactory.Conditions(now);
            foreach (var c in conditions) c.LastTransitionTime = transition;
            var patch = new JsonObject { ["status"] = new JsonObject { ["conditions"] = JsonNode.Parse(KubernetesJson.Serialize(conditions)) } };
            await IgnoreNotFound(() => client.CoreV1.PatchNodeStatusAsync(new V1Patch(patch.ToJsonString(), V1Patch.PatchType.StrategicMergePatch), name, cancellationToken: cancellationToken));
            heartbeats[name] = now;
        }
    }

    async Task RunPodsAsync(Dictionary<string, V1Node> nodes, CancellationToken cancellationToken)
    {
        var pods = await client.CoreV1.ListPodForAllNamespacesAsync(cancellationToken: cancellationToken);
        var failures = new Dictionary<(string, string), (string? Failure, int JobSeconds)>();
        foreach (var pod in pods.Items)
        {
            if (pod.Spec?.NodeName is not { } nodeName || !nodes.TryGetValue(nodeName, out var node) || !IsSimulated(node)) continue;
            if (pod.Metadata.DeletionTimestamp is not null)
            {
                // No kubelet will confirm the termination: finish it, as a kubelet would after the containers stop.
                await IgnoreNotFound(() => client.CoreV1.DeleteNamespacedPodAsync(pod.Metadata.Name, pod.Metadata.NamespaceProperty, gracePeriodSeconds: 0, cancellationToken: cancellationToken));
                continue;
            }
            if (pod.Status?.Phase is "Succeeded" or "Failed") continue;
            var behaviour = await BehaviourAsync(pod, failures, cancellationToken);
            var desired = PodStatuses.Desired(pod, node, behaviour.Failure, behaviour.JobSeconds, DateTime.UtcNow);
            if (desired is null) continue;
            pod.Status = desired;
            await IgnoreNotFound(() => client.CoreV1.ReplaceNamespacedPodStatusAsync(pod, pod.Metadata.Name, pod.Metadata.NamespaceProperty, cancellationToken: cancellationToken));
        }
    }

    async Task<(string? Failure, int JobSeconds)> BehaviourAsync(V1Pod pod, Dictionary<(string, string), (string?, int)> cache, CancellationToken cancellationToken)
    {
        if (pod.Metadata.Labels?.TryGetValue("kaito.sh/workspace", out var workspace) != true || workspace is null) return (null, 3);
        var key = (pod.Metadata.NamespaceProperty, workspace);
        if (cache.TryGetValue(key, out var known)) return known;
        (string?, int) result = (null, 3);
        try
        {
            var obj = await client.CustomObjects.GetNamespacedCustomObjectAsync<JsonObject>("kaito.sh", "v1beta1", key.NamespaceProperty, "workspaces", workspace, cancellationToken);
            var annotations = obj["metadata"]?["annotations"] as JsonObject;
            var failure = annotations?[SimulationLabels.PodFailure]?.GetValue<string>();
            var seconds = int.TryParse(annotations?[SimulationLabels.JobSeconds]?.GetValue<string>(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? s : 3;
            result = (failure, seconds);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
        }
        cache[key] = result;
        return result;
    }

    static bool IsSimulated(V1Node node) => node.Metadata.Labels?.ContainsKey(SimulationLabels.Simulated) == true;

    static async Task IgnoreNotFound(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (HttpOperationException e) when (e.Response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Conflict)
        {
            // Gone or changed meanwhile: the next step sees fresh state.
        }
    }
}

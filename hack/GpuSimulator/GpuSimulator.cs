using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Kaito.Api.Karpenter;
using Kaito.Api.V1Beta1;
using Kaito.Reconcilers.Runtime;

namespace Kaito.GpuSimulator;

/// <summary>
/// Stands in for the gpu-provisioner and for kubelets on a cluster without machines: NodeClaims become
/// Nodes with the SKU's GPUs; pods bound to simulated Nodes become Running and Ready (or fail as the
/// Workspace asks); node Leases are renewed as kubelets renew them (<see cref="LeaseHeartbeats"/>). It also keeps one
/// ordinary CPU node and binds pending PersistentVolumeClaims to host-path volumes, as a cluster's system pool and
/// default storage class would. NodeClaims, Nodes, pods and Workspaces are read from watched caches, so a step costs
/// the API server nothing when nothing changed; each step writes only what differs from what it saw. Claims, nodes and
/// pods are handled up to <see cref="WritesInFlight"/> at a time (thousands of kubelets write in parallel too); each
/// object is written by one task, so the only shared state is the node map and <see cref="written"/>, both concurrent.
/// </summary>
public sealed partial class GpuSimulator
{
    public const string CpuNodeName = "kaito-sim-cpu-0";
    const int WritesInFlight = 16;
    readonly IKubernetes client;
    readonly TextWriter log;
    readonly Informer<NodeClaim> claims;
    readonly Informer<V1Node> nodes;
    readonly Informer<V1Pod> pods;
    readonly Informer<Workspace> workspaces;
    // The resourceVersion each object had when this simulator last wrote it: until the watch brings the result, the
    // cache still shows the old object, and acting on it again would only repeat the same write.
    readonly ConcurrentDictionary<string, string?> written = new();

    public GpuSimulator(IKubernetes client, TextWriter log)
    {
        this.client = client;
        this.log = log;
        var logger = new TextWriterLogger(log);
        claims = new(ResourceSources.NodeClaims(client, null), logger, controller: "simulator");
        nodes = new(ResourceSources.Nodes(client), logger, controller: "simulator");
        pods = new(ResourceSources.Pods(client, null), logger, controller: "simulator");
        workspaces = new(ResourceSources.Workspaces(client), logger, controller: "simulator");
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var watching = new[] { claims.RunAsync(cancellationToken), nodes.RunAsync(cancellationToken), pods.RunAsync(cancellationToken), workspaces.RunAsync(cancellationToken) };
        await Task.WhenAll(claims.WaitForSyncAsync(cancellationToken), nodes.WaitForSyncAsync(cancellationToken),
            pods.WaitForSyncAsync(cancellationToken), workspaces.WaitForSyncAsync(cancellationToken)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        var heartbeats = new LeaseHeartbeats(client, () => [.. nodes.All.Where(IsSimulated)], log).RunAsync(cancellationToken);
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
        await Task.WhenAll([heartbeats, .. watching]).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public async Task StepAsync(CancellationToken cancellationToken)
    {
        await ExpandNodePoolsAsync(cancellationToken);
        var known = new ConcurrentDictionary<string, V1Node>(nodes.All.Select(n => KeyValuePair.Create(n.Metadata.Name, n)));
        await EachAsync(claims.All, claim => ProvisionAsync(claim, known, cancellationToken), cancellationToken);
        await EnsureCpuNodeAsync(known, cancellationToken);
        await AdoptUserGpuNodesAsync(known.Values, cancellationToken);
        await BindVolumeClaimsAsync(cancellationToken);
        await KeepReadyAsync(known.Values, cancellationToken);
        await RunPodsAsync(known, cancellationToken);
        ForgetDeleted();
    }

    /// <summary>
    /// Runs <paramref name="action"/> for every item, <see cref="WritesInFlight"/> at a time. A failed call does not stop
    /// the others: the first failure is rethrown once all have run, and the next step retries what it left.
    /// </summary>
    static async Task EachAsync<T>(IEnumerable<T> items, Func<T, Task> action, CancellationToken cancellationToken)
    {
        Exception? first = null;
        await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = WritesInFlight, CancellationToken = cancellationToken }, async (item, _) =>
        {
            try
            {
                await action(item);
            }
            catch (Exception e) when (e is HttpOperationException or HttpRequestException or KubernetesException)
            {
                Interlocked.CompareExchange(ref first, e, null);
            }
        });
        if (first is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
    }

    /// <summary>False when this object is still at the version this simulator last wrote over.</summary>
    bool Unwritten(string kind, V1ObjectMeta metadata) =>
        !written.TryGetValue($"{kind}/{metadata.NamespaceProperty}/{metadata.Name}", out var version) || version != metadata.ResourceVersion;

    void Wrote(string kind, V1ObjectMeta metadata) => written[$"{kind}/{metadata.NamespaceProperty}/{metadata.Name}"] = metadata.ResourceVersion;

    async Task ProvisionAsync(NodeClaim claim, ConcurrentDictionary<string, V1Node> nodes, CancellationToken cancellationToken)
    {
        var name = claim.Metadata.Name;
        nodes.TryGetValue(name, out var node);
        if (!Unwritten("nodeclaim", claim.Metadata) && (node is null || !Unwritten("node", node.Metadata))) return;
        var finalizers = claim.Metadata.Finalizers ?? [];
        var real = RealNodeServing(claim, nodes);
        if (claim.Metadata.DeletionTimestamp is not null)
        {
            if (real is not null) await GiveBackRealNodeAsync(claim, real, cancellationToken);
            if (node is not null)
            {
                await IgnoreNotFound(() => client.CoreV1.DeleteNodeAsync(name, cancellationToken: cancellationToken));
                Wrote("node", node.Metadata);
            }
            if (finalizers.Contains(SimulationLabels.TerminationFinalizer))
            {
                await PatchClaimAsync(name, new JsonObject { ["metadata"] = new JsonObject
                {
                    ["finalizers"] = new JsonArray([.. finalizers.Where(f => f != SimulationLabels.TerminationFinalizer).Select(f => (JsonNode)f)]),
                    ["resourceVersion"] = claim.Metadata.ResourceVersion,
                } }, status: false, cancellationToken);
                Wrote("nodeclaim", claim.Metadata);
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
            Wrote("nodeclaim", claim.Metadata);
        }

        var instanceType = NodeFactory.InstanceType(claim);
        var sku = instanceType is null ? null : NodeFactory.FindSku(instanceType);
        if (sku is null)
        {
            await SetClaimStatusAsync(claim, null, "False", "InstanceTypeUnknown", $"no simulated capacity for instance type \"{instanceType}\"", cancellationToken);
            return;
        }
        real ??= node is null ? await HandOverRealNodeAsync(claim, sku.Name, nodes, cancellationToken) : null;
        if (real is not null)
        {
            if (claim.Status?.NodeName != real.Metadata.Name || claim.Status.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") != true)
                await SetClaimStatusAsync(claim, sku, "True", "Ready", $"the real node {real.Metadata.Name} serves it", cancellationToken, real.Metadata.Name);
            return;
        }
        var storage = claim.Spec?.Resources?.Requests is { } requests && requests.TryGetValue("storage", out var s) ? s.ToString() : "1Ti";
        if (node is null)
        {
            var taints = (claim.Spec?.Taints ?? []).Select(t => new V1Taint { Key = t.Key, Value = t.Value, Effect = t.Effect });
            var built = NodeFactory.Build(name, sku, claim.Metadata.Labels, taints, storage);
            built.Status = null;   // status is a subresource: written just below
            try
            {
                node = nodes[name] = await client.CoreV1.CreateNodeAsync(built, cancellationToken: cancellationToken);
                await log.WriteLineAsync($"NodeClaim {name}: node created ({sku.Name}, {sku.GpuCount} × {sku.GpuModel})");
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
            {
                return;   // created on an earlier step; the cache has not shown it yet
            }
        }
        // Capacity is (re)asserted whenever it is missing: a status write lost to a conflict is repaired next step.
        if (node.Status?.Allocatable?.ContainsKey("nvidia.com/gpu") != true && Unwritten("node", node.Metadata))
        {
            var status = NodeFactory.Status(sku.GpuCount, storage, name, DateTime.UtcNow);
            var patch = new JsonObject { ["status"] = JsonNode.Parse(KubernetesJson.Serialize(status)) };
            await IgnoreNotFound(() => client.CoreV1.PatchNodeStatusAsync(new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), name, cancellationToken: cancellationToken));
            Wrote("node", node.Metadata);
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

    async Task EnsureCpuNodeAsync(ConcurrentDictionary<string, V1Node> nodes, CancellationToken cancellationToken)
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
        if (node.Status?.Allocatable?.ContainsKey("cpu") == true || !Unwritten("node", node.Metadata)) return;
        var patch = new JsonObject { ["status"] = JsonNode.Parse(KubernetesJson.Serialize(NodeFactory.Status(0, "200Gi", CpuNodeName, DateTime.UtcNow))) };
        await IgnoreNotFound(() => client.CoreV1.PatchNodeStatusAsync(new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), CpuNodeName, cancellationToken: cancellationToken));
        Wrote("node", node.Metadata);
    }

    /// <summary>Nodes a user created with simulation.kaito.sh/gpu-sku get what a kubelet and the NVIDIA device plugin would add.</summary>
    async Task AdoptUserGpuNodesAsync(IEnumerable<V1Node> nodes, CancellationToken cancellationToken)
    {
        foreach (var node in nodes.Where(IsSimulated))
        {
            if (!Unwritten("node", node.Metadata)) continue;
            if (node.Metadata.Labels?.TryGetValue(SimulationLabels.GpuSku, out var skuName) != true || NodeFactory.FindSku(skuName!) is not { } sku) continue;
            var name = node.Metadata.Name;
            var wanted = NodeFactory.Build(name, sku, node.Metadata.Labels, [], "200Gi").Metadata.Labels;
            if (wanted.Any(l => node.Metadata.Labels.TryGetValue(l.Key, out var v) != true || v != l.Value))
            {
                var labels = new JsonObject();
                foreach (var (key, value) in wanted) labels[key] = value;
                await IgnoreNotFound(() => client.CoreV1.PatchNodeAsync(new V1Patch(new JsonObject { ["metadata"] = new JsonObject { ["labels"] = labels } }.ToJsonString(), V1Patch.PatchType.MergePatch), name, cancellationToken: cancellationToken));
                await log.WriteLineAsync($"node {name}: adopted as a simulated {sku.Name} ({sku.GpuCount} × {sku.GpuModel})");
                Wrote("node", node.Metadata);
            }
            if (node.Status?.Allocatable?.ContainsKey("nvidia.com/gpu") == true) continue;
            var patch = new JsonObject { ["status"] = JsonNode.Parse(KubernetesJson.Serialize(NodeFactory.Status(sku.GpuCount, "200Gi", name, DateTime.UtcNow))) };
            await IgnoreNotFound(() => client.CoreV1.PatchNodeStatusAsync(new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), name, cancellationToken: cancellationToken));
            Wrote("node", node.Metadata);
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

    async Task SetClaimStatusAsync(NodeClaim claim, Kaito.Presets.GpuSku? sku, string status, string reason, string message, CancellationToken cancellationToken,
        string? nodeName = null)
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
            body["nodeName"] = nodeName ?? claim.Metadata.Name;
            body["providerID"] = $"kaito-sim://{nodeName ?? claim.Metadata.Name}";
            var gpus = new JsonObject { ["nvidia.com/gpu"] = sku.GpuCount.ToString(CultureInfo.InvariantCulture), ["cpu"] = "96", ["memory"] = "880Gi" };
            body["capacity"] = gpus;
            body["allocatable"] = gpus.DeepClone();
        }
        await PatchClaimAsync(claim.Metadata.Name, new JsonObject { ["status"] = body }, status: true, cancellationToken);
        Wrote("nodeclaim", claim.Metadata);
    }

    async Task PatchClaimAsync(string name, JsonObject patch, bool status, CancellationToken cancellationToken)
    {
        var body = new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch);
        await IgnoreNotFound(() => status
            ? client.CustomObjects.PatchClusterCustomObjectStatusAsync(body, NodeClaim.Group, NodeClaim.Version, NodeClaim.Plural, name, cancellationToken: cancellationToken)
            : client.CustomObjects.PatchClusterCustomObjectAsync(body, NodeClaim.Group, NodeClaim.Version, NodeClaim.Plural, name, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// A simulated node whose Ready condition is not True (the node lifecycle controller marks it Unknown when its Lease
    /// lapsed, as while the simulator was stopped) is reported ready again, as its kubelet would; its InternalIP is kept
    /// at <see cref="NodeFactory.AddressFor"/>. A node annotated with
    /// <see cref="SimulationLabels.HoldStatus"/> is left as it is, for tests that set a node's conditions themselves.
    /// </summary>
    Task KeepReadyAsync(IEnumerable<V1Node> nodes, CancellationToken cancellationToken)
    {
        var now = DateTime.UtcNow;
        return EachAsync(nodes.Where(IsSimulated), async node =>
        {
            if (node.Metadata.Annotations?.ContainsKey(SimulationLabels.HoldStatus) == true || !Unwritten("node", node.Metadata)) return;
            if (node.Status?.Allocatable is null) return;
            var ready = node.Status.Conditions?.FirstOrDefault(c => c.Type == "Ready") is { Status: "True" };
            var address = NodeFactory.AddressFor(node.Metadata.Name);
            // Nodes made by an older simulator may carry an address outside the local cluster's plan.
            var addressed = node.Status.Addresses?.Any(a => a.Type == "InternalIP" && a.Address == address) == true;
            if (ready && addressed) return;
            var status = new JsonObject();
            if (!ready) status["conditions"] = JsonNode.Parse(KubernetesJson.Serialize(NodeFactory.Conditions(now)));
            if (!addressed) status["addresses"] = new JsonArray(new JsonObject { ["type"] = "InternalIP", ["address"] = address });
            var patch = new JsonObject { ["status"] = status };
            await IgnoreNotFound(() => client.CoreV1.PatchNodeStatusAsync(new V1Patch(patch.ToJsonString(), V1Patch.PatchType.StrategicMergePatch), node.Metadata.Name, cancellationToken: cancellationToken));
            Wrote("node", node.Metadata);
        }, cancellationToken);
    }

    Task RunPodsAsync(ConcurrentDictionary<string, V1Node> nodes, CancellationToken cancellationToken)
    {
        var now = DateTime.UtcNow;
        var simulated = pods.All.Where(p => p.Spec?.NodeName is { } nodeName && nodes.TryGetValue(nodeName, out var node) && IsSimulated(node) && Unwritten("pod", p.Metadata));
        return EachAsync(simulated, async pod =>
        {
            if (pod.Metadata.DeletionTimestamp is not null)
            {
                // No kubelet will confirm the termination: finish it, as a kubelet would after the containers stop.
                await IgnoreNotFound(() => client.CoreV1.DeleteNamespacedPodAsync(pod.Metadata.Name, pod.Metadata.NamespaceProperty, gracePeriodSeconds: 0, cancellationToken: cancellationToken));
                Wrote("pod", pod.Metadata);
                return;
            }
            if (pod.Status?.Phase is "Succeeded" or "Failed") return;
            var (failure, jobSeconds) = Behaviour(pod);
            if (PodStatuses.Desired(pod, nodes[pod.Spec!.NodeName!], failure, jobSeconds, now) is not { } desired) return;
            // A new object around the cached parts: the cached pod stays as the watch delivered it.
            var update = new V1Pod { ApiVersion = "v1", Kind = "Pod", Metadata = pod.Metadata, Spec = pod.Spec, Status = desired };
            await IgnoreNotFound(() => client.CoreV1.ReplaceNamespacedPodStatusAsync(update, pod.Metadata.Name, pod.Metadata.NamespaceProperty, cancellationToken: cancellationToken));
            Wrote("pod", pod.Metadata);
        }, cancellationToken);
    }

    /// <summary>Forgets the versions written over of objects that are gone.</summary>
    void ForgetDeleted()
    {
        foreach (var key in written.Keys)
        {
            var parts = key.Split('/', 3);
            var present = parts[0] switch
            {
                "pod" => pods.Get(parts[1], parts[2]) is not null,
                "node" => nodes.Get("", parts[2]) is not null,
                "nodeclaim" => claims.Get("", parts[2]) is not null,
                _ => false,
            };
            if (!present) written.TryRemove(key, out _);
        }
    }

    /// <summary>What the pod's Workspace asks of the simulation: a failure to show, and how long a Job pod runs.</summary>
    (string? Failure, int JobSeconds) Behaviour(V1Pod pod)
    {
        if (pod.Metadata.Labels?.TryGetValue("kaito.sh/workspace", out var name) != true || name is null) return (null, 3);
        var annotations = workspaces.Get(pod.Metadata.NamespaceProperty, name)?.Metadata.Annotations;
        if (annotations is null) return (null, 3);
        annotations.TryGetValue(SimulationLabels.PodFailure, out var failure);
        var seconds = annotations.TryGetValue(SimulationLabels.JobSeconds, out var text)
            && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? s : 3;
        return (failure, seconds);
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

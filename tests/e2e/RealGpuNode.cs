using System.Globalization;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Kaito.Presets;

namespace Kaito.E2E.Tests;

/// <summary>
/// Makes the local cluster's real node (kaito-node: a real kubelet and containerd) look like a GPU node of a SKU, for
/// the test doubles of the GPU images to run on: the labels of NVIDIA's GPU feature discovery and the SKU, the taint
/// KAITO's GPU nodes carry (sku=gpu, in place of kaito.sh/real-node), and nvidia.com/gpu in the node's capacity by a
/// status patch, as the NVIDIA device plugin would advertise it. The kubelet keeps an extended resource it does not
/// manage across its status updates; when it registers the node afresh (a new kubelet state directory) it may zero
/// it, so call <see cref="BecomeAsync"/> again after a kubelet restart. <see cref="RestoreAsync"/> undoes all of it.
/// </summary>
public sealed class RealGpuNode(IKubernetes client)
{
    public const string Name = "kaito-node";

    /// <summary>The node's (and the host's) address on the test network, where the local registry listens too.</summary>
    public const string Address = "198.18.0.1";
    const string Gpu = "nvidia.com/gpu";
    static readonly V1Taint RealNodeTaint = new() { Key = "kaito.sh/real-node", Value = "true", Effect = "NoSchedule" };
    static readonly V1Taint GpuTaint = new() { Key = "sku", Value = "gpu", Effect = "NoSchedule" };
    // hack/GpuSimulator/SimulationLabels.cs: OfferToNodeClaims and ClaimedBy.
    const string OfferAnnotation = "simulation.kaito.sh/offer-to-nodeclaims";
    const string ClaimedByAnnotation = "simulation.kaito.sh/claimed-by";
    readonly HashSet<string> added = [];

    public async Task<GpuSku> BecomeAsync(string skuName, IReadOnlyDictionary<string, string> extraLabels)
    {
        var sku = SkuCatalog.Default.FindInAnyCloud(skuName) ?? throw new ArgumentException($"no SKU {skuName} in the catalog", nameof(skuName));
        var labels = new Dictionary<string, string>(extraLabels) { ["node.kubernetes.io/instance-type"] = sku.Name };
        foreach (var (key, value) in NodeGpuLabels.For(sku)) labels[key] = value;
        await SetLabelsAndTaintsAsync(labels, new JsonArray(Taint(GpuTaint)));
        var count = sku.GpuCount.ToString(CultureInfo.InvariantCulture);
        await PatchStatusAsync(new JsonObject
        {
            ["status"] = new JsonObject { ["capacity"] = new JsonObject { [Gpu] = count }, ["allocatable"] = new JsonObject { [Gpu] = count } },
        });
        return sku;
    }

    /// <summary>
    /// A plain CPU node of <paramref name="instanceType"/> (a size the GPU catalog does not hold): its labels and the
    /// <paramref name="extraLabels"/>, no taint, no GPUs. <see cref="RestoreAsync"/> undoes it.
    /// </summary>
    public async Task BecomeCpuNodeAsync(string instanceType, IReadOnlyDictionary<string, string> extraLabels)
    {
        await SetLabelsAndTaintsAsync(new Dictionary<string, string>(extraLabels) { ["node.kubernetes.io/instance-type"] = instanceType }, []);
        await PatchStatusAsync(new JsonObject
        {
            ["status"] = new JsonObject { ["capacity"] = new JsonObject { [Gpu] = null }, ["allocatable"] = new JsonObject { [Gpu] = null } },
        });
    }

    /// <summary>
    /// Lets the GPU simulator hand this node to a NodeClaim of its instance type (one at a time) instead of simulating a node for
    /// it, so a Workspace the operator provisions for runs here (see the simulator's README). <see cref="RestoreAsync"/> ends it.
    /// </summary>
    public Task OfferToNodeClaimsAsync() =>
        PatchAsync(new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [OfferAnnotation] = "true" } } });

    /// <summary>The NodeClaim the simulator handed this node to, or null.</summary>
    public async Task<string?> ClaimedByAsync() =>
        (await client.CoreV1.ReadNodeAsync(Name)).Metadata.Annotations?.TryGetValue(ClaimedByAnnotation, out var claim) == true ? claim : null;

    public async Task RestoreAsync()
    {
        var labelPatch = new JsonObject();
        foreach (var key in added) labelPatch[key] = null;
        await PatchAsync(new JsonObject
        {
            ["metadata"] = new JsonObject { ["labels"] = labelPatch, ["annotations"] = new JsonObject { [OfferAnnotation] = null } },
            ["spec"] = new JsonObject { ["taints"] = new JsonArray(Taint(RealNodeTaint)) },
        });
        await PatchStatusAsync(new JsonObject
        {
            ["status"] = new JsonObject { ["capacity"] = new JsonObject { [Gpu] = null }, ["allocatable"] = new JsonObject { [Gpu] = null } },
        });
        added.Clear();
    }

    /// <summary>Sets <paramref name="labels"/> (removing the previous role's extras) and replaces the node's taints.</summary>
    Task SetLabelsAndTaintsAsync(Dictionary<string, string> labels, JsonArray taints)
    {
        var labelPatch = new JsonObject();
        foreach (var key in added.Where(k => !labels.ContainsKey(k))) labelPatch[key] = null;
        foreach (var (key, value) in labels) labelPatch[key] = value;
        added.UnionWith(labels.Keys);
        return PatchAsync(new JsonObject { ["metadata"] = new JsonObject { ["labels"] = labelPatch }, ["spec"] = new JsonObject { ["taints"] = taints } });
    }

    static JsonObject Taint(V1Taint taint) => new() { ["key"] = taint.Key, ["value"] = taint.Value, ["effect"] = taint.Effect };

    Task PatchAsync(JsonObject patch) =>
        client.CoreV1.PatchNodeAsync(new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), Name);

    Task PatchStatusAsync(JsonObject patch) =>
        client.CoreV1.PatchNodeStatusAsync(new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), Name);
}

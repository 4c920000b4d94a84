using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Kaito.Api.Karpenter;

namespace Kaito.GpuSimulator;

/// <summary>
/// Real nodes offered to NodeClaims (<see cref="SimulationLabels.OfferToNodeClaims"/>): the gpu-provisioner's part for a
/// node that exists already. The claim is marked ready on the real node and gets its labels, as a provisioned node would
/// carry them; when the claim is deleted, only what the hand-over added is removed. The node itself is never deleted: its
/// kubelet, not this simulator, owns it.
/// </summary>
public sealed partial class GpuSimulator
{
    /// <summary>The real node serving <paramref name="claim"/>, or null.</summary>
    static V1Node? RealNodeServing(NodeClaim claim, System.Collections.Concurrent.ConcurrentDictionary<string, V1Node> nodes) =>
        nodes.Values.FirstOrDefault(n => !IsSimulated(n) && n.Metadata.Annotations?.TryGetValue(SimulationLabels.ClaimedBy, out var by) == true && by == claim.Metadata.Name);

    /// <summary>
    /// Hands a free offered real node of the claim's instance type to <paramref name="claim"/>; null when there is none. The
    /// patch carries the node's resourceVersion, so two claims can never both win it.
    /// </summary>
    async Task<V1Node?> HandOverRealNodeAsync(NodeClaim claim, string instanceType, System.Collections.Concurrent.ConcurrentDictionary<string, V1Node> nodes, CancellationToken cancellationToken)
    {
        var free = nodes.Values
            .Where(n => !IsSimulated(n) && n.Metadata.DeletionTimestamp is null && Unwritten("node", n.Metadata)
                && n.Metadata.Annotations?.TryGetValue(SimulationLabels.OfferToNodeClaims, out var offered) == true && offered == "true"
                && string.Equals(Value(n.Metadata.Labels, "node.kubernetes.io/instance-type"), instanceType, StringComparison.OrdinalIgnoreCase)
                && n.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true
                && (Value(n.Metadata.Annotations, SimulationLabels.ClaimedBy) is not { } holder || claims.Get("", holder) is null))
            .OrderBy(n => n.Metadata.Name, StringComparer.Ordinal)
            .FirstOrDefault();
        if (free is null) return null;

        // Labels a vanished claim left (its deletion happened while the simulator was not running) are replaced too.
        var stale = ClaimLabelKeys(free).ToHashSet(StringComparer.Ordinal);
        var labels = new JsonObject();
        foreach (var key in stale) labels[key] = null;
        var added = new List<string>();
        foreach (var (key, value) in claim.Metadata.Labels ?? new Dictionary<string, string>())
        {
            if (free.Metadata.Labels?.ContainsKey(key) == true && !stale.Contains(key)) continue;
            labels[key] = value;
            added.Add(key);
        }
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["resourceVersion"] = free.Metadata.ResourceVersion,
                ["labels"] = labels,
                ["annotations"] = new JsonObject
                {
                    [SimulationLabels.ClaimedBy] = claim.Metadata.Name,
                    [SimulationLabels.ClaimLabels] = string.Join(',', added),
                },
            },
        };
        Wrote("node", free.Metadata);
        try
        {
            var patched = await client.CoreV1.PatchNodeAsync(new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), free.Metadata.Name, cancellationToken: cancellationToken);
            nodes[patched.Metadata.Name] = patched;
            await log.WriteLineAsync($"NodeClaim {claim.Metadata.Name}: handed the real node {patched.Metadata.Name} ({instanceType})");
            return patched;
        }
        catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode is System.Net.HttpStatusCode.Conflict or System.Net.HttpStatusCode.NotFound)
        {
            return null;   // changed meanwhile: the next step sees it afresh
        }
    }

    /// <summary>Gives the real node back: the claim's labels and the hand-over's annotations go; the offer stays.</summary>
    async Task GiveBackRealNodeAsync(NodeClaim claim, V1Node node, CancellationToken cancellationToken)
    {
        var labels = new JsonObject();
        foreach (var key in ClaimLabelKeys(node)) labels[key] = null;
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["labels"] = labels,
                ["annotations"] = new JsonObject { [SimulationLabels.ClaimedBy] = null, [SimulationLabels.ClaimLabels] = null },
            },
        };
        await IgnoreNotFound(() => client.CoreV1.PatchNodeAsync(new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), node.Metadata.Name, cancellationToken: cancellationToken));
        Wrote("node", node.Metadata);
        await log.WriteLineAsync($"NodeClaim {claim.Metadata.Name}: real node {node.Metadata.Name} given back");
    }

    static string[] ClaimLabelKeys(V1Node node) =>
        (Value(node.Metadata.Annotations, SimulationLabels.ClaimLabels) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries);

    static string? Value(IDictionary<string, string>? map, string key) => map is not null && map.TryGetValue(key, out var value) ? value : null;
}

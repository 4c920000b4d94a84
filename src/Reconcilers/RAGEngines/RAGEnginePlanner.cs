using k8s.Models;
using Kaito.Api.V1Beta1;
using Kaito.Presets;
using Kaito.Reconcilers.Workspaces;
using Kaito.Reconcilers.Shared;

namespace Kaito.Reconcilers.RAGEngines;

/// <summary>What a RAGEngine needs from the cluster's nodes.</summary>
/// <param name="Gpus">GPUs for the pod: the SKU's count for a local embedding model on a GPU SKU, else 0 (CPU).</param>
/// <param name="ProvisionNodeClaim">True when the operator creates the GPU node (node auto-provisioning).</param>
/// <param name="CpuNodeSelector">For a CPU service on the user's own nodes: the selector that picks them.</param>
public sealed record RAGEngineComputePlan(int Gpus, string? InstanceType, bool ProvisionNodeClaim, V1LabelSelector? CpuNodeSelector)
{
    public bool NeedsGpuNode => Gpus > 0;
}

/// <summary>Decides a RAGEngine's compute and picks its GPU node from the user's nodes. Pure.</summary>
public static class RAGEnginePlanner
{
    public static RAGEngineComputePlan Plan(RAGEngine rag, ReconcilerSettings settings)
    {
        var compute = rag.Spec?.Compute;
        var local = rag.Spec?.Embedding?.Local is not null;
        var gpu = local && compute?.InstanceType is { Length: > 0 } type ? WorkspaceSemantics.ShapeOf(settings.Cloud, type, rag.Metadata?.Annotations) : null;
        if (gpu?.Sku is { } sku) return new RAGEngineComputePlan(sku.GpuCount, sku.Name, settings.NodeAutoProvisioning, null);
        // An unlisted GPU size: its declared GPUs, else one (all an embedding model needs, and on any GPU node).
        if (gpu is { Kind: InstanceTypeKind.UnlistedGpu })
            return new RAGEngineComputePlan(gpu.Shape?.GpuCount ?? 1, compute!.InstanceType, settings.NodeAutoProvisioning, null);
        // A remote or CPU embedding needs no GPU node. Under auto-provisioning the selector's labels would only be found on
        // provisioned nodes, so the service runs on the cluster's ordinary nodes; on bring-your-own nodes the selector picks them.
        return new RAGEngineComputePlan(0, compute?.InstanceType, false, settings.NodeAutoProvisioning ? null : compute?.LabelSelector);
    }

    /// <summary>
    /// One ready GPU node among the user's nodes matching the selector: the one it already runs on first (no needless
    /// move), then preferredNodes, then by name. Null when none qualifies.
    /// </summary>
    public static string? PickOwnGpuNode(RAGEngine rag, IEnumerable<V1Node> nodes)
    {
        var selector = rag.Spec?.Compute?.LabelSelector;
        var current = rag.Status?.WorkerNodes ?? [];
        var preferred = rag.Spec?.Compute?.PreferredNodes ?? [];
        return nodes.Where(n => LabelSelectorMatcher.Matches(selector, n.Metadata.Labels) && NodeReadiness.IsReadyGpuNode(n))
            .OrderBy(n => current.Contains(n.Metadata.Name) ? 0 : preferred.Contains(n.Metadata.Name) ? 1 : 2)
            .ThenBy(n => n.Metadata.Name, StringComparer.Ordinal)
            .Select(n => n.Metadata.Name)
            .FirstOrDefault();
    }

    /// <summary>
    /// Under node auto-provisioning, a node the user named in preferredNodes that exists, matches the selector and is a
    /// ready GPU node serves the RAGEngine instead of a new NodeClaim (as for Workspaces). Null when none does.
    /// </summary>
    public static string? PickPreferredGpuNode(RAGEngine rag, IEnumerable<V1Node> nodes)
    {
        var preferred = rag.Spec?.Compute?.PreferredNodes ?? [];
        return preferred.Count == 0 ? null : PickOwnGpuNode(rag, nodes.Where(n => preferred.Contains(n.Metadata.Name)));
    }
}

using k8s.Models;

namespace Kaito.Reconcilers.Manifests;

/// <summary>
/// Where and how a RAG service runs, decided before any manifest is built.
/// GPU nodes (NodeNames) only for a local embedding model on a GPU SKU; a CPU service either runs on the
/// user's nodes matched by NodeSelector (bring-your-own) or anywhere the scheduler likes.
/// </summary>
public sealed record RAGEngineWorkloadPlan
{
    public required string Image { get; init; }
    public long Revision { get; init; } = 1;

    /// <summary>GPUs per pod; 0 runs the service on CPU.</summary>
    public int Gpus { get; init; }

    /// <summary>The GPU nodes the pod is pinned to (kubernetes.io/hostname In ...).</summary>
    public IReadOnlyList<string> NodeNames { get; init; } = [];

    /// <summary>For a CPU service on bring-your-own nodes: the user's selector as required node affinity.</summary>
    public V1LabelSelector? NodeSelector { get; init; }
}

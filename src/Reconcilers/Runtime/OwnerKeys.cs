using k8s.Models;

namespace Kaito.Reconcilers.Runtime;

/// <summary>
/// Maps a child's watch event to its owner's queue key through the owner labels every child carries
/// (kaito.sh/workspace or kaito.sh/ragengine; cluster-scoped children also the owner's namespace label).
/// </summary>
public sealed class OwnerKeys(WorkQueue queue, string ownerLabel, string ownerNamespaceLabel)
{
    /// <summary>Cluster-scoped children (NodeClaims, Nodes): false when the object names no owner.</summary>
    public bool EnqueueByLabels(V1ObjectMeta metadata)
    {
        if (metadata.Labels?.TryGetValue(ownerLabel, out var name) != true || metadata.Labels.TryGetValue(ownerNamespaceLabel, out var ns) != true) return false;
        queue.Add(new ObjectKey(ns, name!));
        return true;
    }

    /// <summary>Namespaced children: the owner lives in the child's namespace.</summary>
    public void EnqueueNamespaced(V1ObjectMeta metadata)
    {
        if (metadata.Labels?.TryGetValue(ownerLabel, out var name) == true) queue.Add(new ObjectKey(metadata.NamespaceProperty ?? "", name));
    }
}

using k8s;
using k8s.Models;

namespace Kaito.Reconcilers.Runtime;

/// <summary>Read side of an informer: the last state seen from the API server.</summary>
public interface IResourceCache<T> where T : IKubernetesObject<V1ObjectMeta>
{
    bool HasSynced { get; }

    T? Get(string @namespace, string name);

    int Count { get; }

    /// <summary>Every cached object, read live: no copy is made, and an object changed meanwhile may be seen either way.</summary>
    IEnumerable<T> All { get; }

    /// <summary>The objects labelled as owned by the given owner, from the index kept on every event (empty without an index).</summary>
    IReadOnlyCollection<T> OwnedBy(string ownerNamespace, string ownerName);
}

/// <summary>
/// Which owner a child belongs to, from the owner labels every child carries: the owner's name label, and its namespace
/// label for cluster-scoped children (NodeClaims, Nodes); namespaced children live in their owner's namespace.
/// </summary>
public sealed record OwnerIndex(string NameLabel, string? NamespaceLabel = null)
{
    public ObjectKey? OwnerOf(V1ObjectMeta metadata)
    {
        if (metadata.Labels?.TryGetValue(NameLabel, out var name) != true || string.IsNullOrEmpty(name)) return null;
        if (NamespaceLabel is not null && metadata.Labels.TryGetValue(NamespaceLabel, out var ns) && !string.IsNullOrEmpty(ns)) return new ObjectKey(ns, name);
        return string.IsNullOrEmpty(metadata.NamespaceProperty) ? null : new ObjectKey(metadata.NamespaceProperty, name);
    }
}

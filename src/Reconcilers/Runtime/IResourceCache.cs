using k8s;
using k8s.Models;

namespace Kaito.Reconcilers.Runtime;

/// <summary>Read side of an informer: the last state seen from the API server.</summary>
public interface IResourceCache<T> where T : IKubernetesObject<V1ObjectMeta>
{
    bool HasSynced { get; }

    T? Get(string @namespace, string name);

    /// <summary>Objects in a namespace (null: all namespaces) matching every given label.</summary>
    IReadOnlyList<T> List(string? @namespace = null, IReadOnlyDictionary<string, string>? labels = null);
}

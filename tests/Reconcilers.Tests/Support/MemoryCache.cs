using k8s;
using k8s.Models;
using Kaito.Reconcilers.Runtime;

namespace Kaito.Reconcilers.Tests.Support;

/// <summary>An informer cache held in memory, for reconciler unit tests: what the test puts in is what the reconciler reads.</summary>
sealed class MemoryCache<T>(OwnerIndex? index = null) : IResourceCache<T> where T : IKubernetesObject<V1ObjectMeta>
{
    readonly Dictionary<ObjectKey, T> items = [];

    public bool HasSynced => true;

    public int Count => items.Count;

    public IEnumerable<T> All => items.Values;

    public T? Get(string @namespace, string name) => items.GetValueOrDefault(new ObjectKey(@namespace ?? "", name));

    public IReadOnlyCollection<T> OwnedBy(string ownerNamespace, string ownerName) =>
        index is null ? [] : [.. items.Values.Where(i => index.OwnerOf(i.Metadata) == new ObjectKey(ownerNamespace, ownerName))];

    public MemoryCache<T> Put(T item)
    {
        items[new ObjectKey(item.Metadata.NamespaceProperty ?? "", item.Metadata.Name)] = item;
        return this;
    }

    public void Remove(string @namespace, string name) => items.Remove(new ObjectKey(@namespace, name));
}

namespace Kaito.Reconcilers.Runtime;

/// <summary>Maps a child's watch event to its owner's queue key through the owner labels every child carries (<see cref="OwnerIndex"/>).</summary>
public sealed class OwnerKeys(WorkQueue queue, OwnerIndex index)
{
    /// <summary>Queues the owner; false when the object names none.</summary>
    public bool Enqueue(k8s.Models.V1ObjectMeta metadata)
    {
        if (index.OwnerOf(metadata) is not { } owner) return false;
        queue.Add(owner);
        return true;
    }
}

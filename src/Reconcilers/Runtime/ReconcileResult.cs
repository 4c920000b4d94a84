namespace Kaito.Reconcilers.Runtime;

/// <summary>What a reconcile asks of the queue: nothing more, or another look after a delay.</summary>
public sealed record ReconcileResult(TimeSpan? RequeueAfter = null)
{
    public static ReconcileResult Done { get; } = new();

    public static ReconcileResult After(TimeSpan delay) => new(delay);
}

/// <summary>Brings one object's world in line with its spec. Must be idempotent and must not block.</summary>
public interface IReconciler
{
    Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken);
}

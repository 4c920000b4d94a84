using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Kaito.Reconcilers.Runtime;

namespace Kaito.Reconcilers.Shared;

/// <summary>
/// What every owner's reconcile does the same way, written once: the object read from the cache, deletion handed to
/// <see cref="FinalizeAsync"/> while the finalizer is on it, kaito.sh/paused honoured, the finalizer added, a namespace
/// being deleted waited out, and a step the API server refuses written into the owner's status (and one Event) while
/// it lasts. Each kind supplies its steps, its finalizer and how its status shows a failure.
/// </summary>
public abstract class OwnerReconciler<T>(IResourceCache<T> owners, OwnerWrites writes, EventRecorder events, string finalizer, TimeProvider? time)
    : IReconciler where T : class, IKubernetesObject<V1ObjectMeta>
{
    protected TimeProvider Clock { get; } = time ?? TimeProvider.System;

    protected OwnerWrites Writes => writes;

    protected EventRecorder Events => events;

    /// <summary>"Workspace" or "RAGEngine", as messages name it.</summary>
    protected abstract string Kind { get; }

    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        try
        {
            var owner = owners.Get(key.Namespace, key.Name);
            if (owner is null) return ReconcileResult.Done;
            if (owner.Metadata.DeletionTimestamp is not null)
                return owner.Metadata.Finalizers?.Contains(finalizer) == true ? await FinalizeAsync(owner, cancellationToken) : ReconcileResult.Done;
            if (OwnerWrites.IsPaused(owner.Metadata)) return ReconcileResult.Done;
            owner = await writes.EnsureFinalizerAsync(owner, finalizer, cancellationToken);
            return owner is null ? ReconcileResult.Done : await ReconcileOwnerAsync(owner, cancellationToken);
        }
        catch (HttpOperationException e) when (OwnerWrites.IsNamespaceTerminating(e))
        {
            // The namespace is going away and will delete the owner: nothing to create, only the finalizer to run.
            return ReconcileResult.After(TimeSpan.FromSeconds(2));
        }
        catch (StepFailure failure)
        {
            // Said in status while it lasts; the next successful pass recomputes the condition. Retried with backoff
            // unless the request itself is invalid.
            await ReportAsync(key, failure, cancellationToken);
            if (failure.Terminal) return ReconcileResult.Done;
            throw;
        }
    }

    /// <summary>The owner's steps, once it carries the finalizer and is not paused.</summary>
    protected abstract Task<ReconcileResult> ReconcileOwnerAsync(T owner, CancellationToken ct);

    /// <summary>Releases what the owner holds; removes the finalizer when nothing is left.</summary>
    protected abstract Task<ReconcileResult> FinalizeAsync(T owner, CancellationToken ct);

    /// <summary>The owner's status with the failed step in it, or null when the stored status already says so.</summary>
    protected abstract object? FailedStatus(T owner, StepFailure failure, string message, DateTime now);

    /// <summary>The finalizers without this reconciler's.</summary>
    protected Task ReleaseFinalizerAsync(T owner, CancellationToken ct) =>
        writes.SetFinalizersAsync(owner, [.. owner.Metadata.Finalizers!.Where(f => f != finalizer)], ct);

    protected Task PatchStatusAsync(T owner, object status, CancellationToken ct) =>
        writes.PatchStatusAsync(owner, JsonNode.Parse(KubernetesJson.Serialize(status))!.AsObject(), ct);

    async Task ReportAsync(ObjectKey key, StepFailure failure, CancellationToken ct)
    {
        var owner = owners.Get(key.Namespace, key.Name);
        if (owner is null) return;
        var message = failure.Detail + (failure.Terminal ? $" (not retried until the {Kind} changes)" : " (retrying)");
        if (FailedStatus(owner, failure, message, Clock.GetUtcNow().UtcDateTime) is not { } next) return;   // already reported
        try
        {
            await PatchStatusAsync(owner, next, ct);
        }
        catch (HttpOperationException)
        {
            // The status cannot be written either; the log and the Event still say what failed.
        }
        await events.WarningAsync(owner, failure.Reason, failure.Detail, ct);
    }
}

using k8s;
using k8s.Models;
using Kaito.Api.V1Beta1;
using Kaito.Presets;
using Kaito.Reconcilers.Runtime;
using Kaito.Reconcilers.Shared;
using Microsoft.Extensions.Logging;

namespace Kaito.Reconcilers.InferenceSets;

/// <summary>
/// Keeps an InferenceSet's Workspaces at spec.replicas: missing indexes created, those above spec.replicas deleted once
/// the scale-down cool-down has passed (their Workspaces give their GPU nodes back), and Workspaces made from an older
/// template replaced within the update strategy's budget. Deleting a child and creating it again by the same name is
/// how a replica is replaced, since most Workspace fields are immutable. Reads come from the caches; nothing waits.
/// </summary>
public sealed partial class InferenceSetReconciler(
    IKubernetes client, InferenceSetCaches caches, ReconcilerSettings settings, EventRecorder events,
    ILogger<InferenceSetReconciler> logger, TimeProvider? time = null)
    : OwnerReconciler<InferenceSet>(caches.Sets, new OwnerWrites(client, InferenceSet.Plural), events, Finalizers.InferenceSet, time)
{
    static readonly TimeSpan WaitingPoll = TimeSpan.FromSeconds(15);
    readonly ChildWorkspaces children = new(client);
    readonly SetScaledObject scaledObject = new(client, settings.KedaScalerAddress);

    protected override string Kind => InferenceSet.KindName;

    protected override async Task<ReconcileResult> ReconcileOwnerAsync(InferenceSet set, CancellationToken ct)
    {
        var now = Clock.GetUtcNow().UtcDateTime;
        var desired = Math.Max(0, set.Spec?.Replicas ?? 1);
        var hash = InferenceSetChildren.TemplateHash(set);
        var own = Children(set);
        var budget = RolloutBudget.Read(set.Spec?.UpdateStrategy).Budget ?? RolloutBudget.Default;
        var seen = new InferenceSetObservation(desired, hash, budget, own);
        var upgrade = SetUpgrade.Of(set, own, settings.Images, now);
        TimeSpan? coolingFor = null;

        // A Surge upgrade's extra Workspace goes as soon as nothing is left to upgrade, without the cool-down.
        var surges = own.Where(c => c.Index >= desired && SetUpgrade.IsSurge(c) && !c.Deleting).ToList();
        if (!upgrade.Replacing)
        {
            foreach (var child in surges)
            {
                if (await StepFailure.Run(ConditionTypes.Updating, $"deleting surge Workspace {child.Workspace.Metadata.Name}", () => children.DeleteAsync(child.Workspace, ct)))
                    await Events.NormalAsync(set, "SurgeRemoved", $"deleted Workspace {child.Workspace.Metadata.Name}: the upgrade is done", ct);
            }
        }

        // Above spec.replicas: kept through the cool-down, then deleted, highest index first.
        var surplus = own.Where(c => c.Index >= desired && !c.Deleting && !SetUpgrade.IsSurge(c)).OrderByDescending(c => c.Index).ToList();
        var pendingSince = surplus.Count == 0 ? (DateTime?)null : set.Status?.ScaleDownPendingSince?.ToUniversalTime() ?? now;
        var cooldown = ScaleDownCooldown.For(set, settings.ScaleDownCooldown);
        if (pendingSince is { } since && now - since < cooldown)
        {
            coolingFor = cooldown - (now - since);
        }
        else
        {
            foreach (var child in surplus)
            {
                if (await StepFailure.Run(ConditionTypes.Scaling, $"deleting Workspace {child.Workspace.Metadata.Name}", () => children.DeleteAsync(child.Workspace, ct)))
                    await Events.NormalAsync(set, "ScaledDown", $"deleted Workspace {child.Workspace.Metadata.Name} (replicas {desired})", ct);
            }
            pendingSince = null;
        }

        // Missing indexes below spec.replicas, made from the current template (and pinned to the current image).
        foreach (var index in Enumerable.Range(0, desired).Where(i => own.All(c => c.Index != i)))
        {
            var workspace = InferenceSetChildren.Build(set, index, settings.Provisioning, upgrade.PinFor);
            if (await StepFailure.Run(ConditionTypes.Scaling, $"creating Workspace {workspace.Metadata.Name}", () => children.CreateAsync(workspace, ct)))
                await Events.NormalAsync(set, "ScaledUp", $"created Workspace {workspace.Metadata.Name} (replicas {desired})", ct);
        }

        // Workspaces made before autoUpgrade was enabled run the current image: pinned to it, nothing restarts.
        foreach (var child in upgrade.Unpinned)
            await StepFailure.Run(ConditionTypes.AutoUpgrade, $"pinning Workspace {child.Workspace.Metadata.Name} to its image", () => children.PinAsync(child.Workspace, upgrade.CurrentImage!, ct));

        // Replicas from an older template, within the budget; one not serving anyway costs nothing more to replace.
        var unavailable = desired - seen.Current.Count(c => c.Ready && !c.Deleting);
        foreach (var child in seen.Outdated.OrderBy(c => c.Ready).ThenBy(c => c.Index))
        {
            if (budget.OnDelete) break;
            if (child.Ready && unavailable >= budget.Allowed(desired)) break;
            if (child.Ready) unavailable++;
            if (await StepFailure.Run(ConditionTypes.Updating, $"replacing Workspace {child.Workspace.Metadata.Name}", () => children.DeleteAsync(child.Workspace, ct)))
            {
                await Events.NormalAsync(set, "ReplicaReplaced", $"deleting Workspace {child.Workspace.Metadata.Name} to recreate it from the new template", ct);
                LogReplacing(logger, set.Metadata.NamespaceProperty, set.Metadata.Name, child.Workspace.Metadata.Name);
            }
        }
        if (upgrade.Replacing) await UpgradeAsync(set, seen, upgrade, own, surges, unavailable, ct);

        var autoscaler = await StepFailure.Run(ConditionTypes.Autoscaler, $"applying ScaledObject {set.Metadata.Name}", () => scaledObject.EnsureAsync(set, ct));
        var status = InferenceSetStatusBuilder.Build(set, seen, pendingSince, now, new SetExtras(autoscaler.Condition, upgrade));
        if (InferenceSetStatusBuilder.Changed(set.Status, status)) await Writes.PatchStatusAsync(set, InferenceSetStatusBuilder.AsPatch(status), ct);

        // Child events bring the next pass; the poll is a safety net while replicas are still coming or going.
        var settled = seen.Current.Count == desired && seen.Current.All(c => c.Ready && c.Hash == hash && !c.Deleting) && !upgrade.Replacing && surges.Count == 0;
        TimeSpan? wait = settled ? null : WaitingPoll;
        foreach (var other in new[] { coolingFor, upgrade.WaitForWindow, autoscaler.RecheckSoon ? SetScaledObject.Recheck : null })
        {
            if (other is { } delay && (wait is null || delay < wait)) wait = delay;
        }
        return wait is { } after ? ReconcileResult.After(after) : ReconcileResult.Done;
    }

    /// <summary>
    /// Replaces drifted Workspaces with ones on the current image: InPlace within maxUnavailable; Surge first adds one
    /// extra Workspace and replaces only while it serves, so fewer than spec.replicas never serve.
    /// </summary>
    async Task UpgradeAsync(InferenceSet set, InferenceSetObservation seen, SetUpgrade upgrade, List<SetChild> own, List<SetChild> surge, int unavailable, CancellationToken ct)
    {
        var desired = seen.Desired;
        var cap = seen.Budget.Allowed(desired);
        if (upgrade.Surge)
        {
            if (surge.Count == 0)
            {
                var index = Math.Max(desired, own.Count == 0 ? 0 : own.Max(c => c.Index) + 1);
                var workspace = InferenceSetChildren.Build(set, index, settings.Provisioning, upgrade.PinFor);
                workspace.Metadata.Labels[SetUpgrade.SurgeLabel] = "true";
                if (await StepFailure.Run(ConditionTypes.Updating, $"creating surge Workspace {workspace.Metadata.Name}", () => children.CreateAsync(workspace, ct)))
                    await Events.NormalAsync(set, "SurgeAdded", $"created Workspace {workspace.Metadata.Name} to serve while replicas are upgraded to {upgrade.CurrentImage}", ct);
            }
            cap = surge.Count(c => c.Ready);
        }

        var outdated = seen.Outdated.Select(c => c.Index).ToHashSet();
        foreach (var child in upgrade.Drifted.Where(c => c.Index < desired && !outdated.Contains(c.Index) && !SetUpgrade.IsSurge(c)).OrderBy(c => c.Ready).ThenBy(c => c.Index))
        {
            if (child.Ready && unavailable >= cap) break;
            if (child.Ready) unavailable++;
            if (await StepFailure.Run(ConditionTypes.AutoUpgrade, $"replacing Workspace {child.Workspace.Metadata.Name}", () => children.DeleteAsync(child.Workspace, ct)))
                await Events.NormalAsync(set, "ReplicaUpgrading", $"deleting Workspace {child.Workspace.Metadata.Name} (image {ModelImages.Pinned(child.Workspace)}) to recreate it on {upgrade.CurrentImage}", ct);
        }
    }

    protected override async Task<ReconcileResult> FinalizeAsync(InferenceSet set, CancellationToken ct)
    {
        // Each child's own finalizer gives its GPU nodes back; the set goes once none is left.
        var own = Children(set);
        foreach (var child in own.Where(c => !c.Deleting))
            await StepFailure.Run(ConditionTypes.Scaling, $"deleting Workspace {child.Workspace.Metadata.Name}", () => children.DeleteAsync(child.Workspace, ct));
        if (own.Count > 0) return ReconcileResult.After(TimeSpan.FromSeconds(5));
        await ReleaseFinalizerAsync(set, ct);
        return ReconcileResult.Done;
    }

    protected override object? FailedStatus(InferenceSet set, StepFailure failure, string message, DateTime now)
    {
        var next = InferenceSetStatusBuilder.Failed(set, failure.Condition, failure.Reason, message, now);
        return InferenceSetStatusBuilder.Changed(set.Status, next) ? next : null;
    }

    /// <summary>This set's Workspaces: those its label names that it also owns (a same-named predecessor's are not).</summary>
    List<SetChild> Children(InferenceSet set) =>
        [.. caches.Workspaces.OwnedBy(set.Metadata.NamespaceProperty, set.Metadata.Name)
            .Where(w => w.Metadata.OwnerReferences?.Any(o => o.Uid == set.Metadata.Uid) == true && InferenceSetChildren.IndexOf(w) is not null)
            .Select(SetChild.Of)];

    [LoggerMessage(Level = LogLevel.Information, Message = "InferenceSet {Namespace}/{Name}: replacing Workspace {Child} made from an older template")]
    static partial void LogReplacing(ILogger logger, string @namespace, string name, string child);
}

using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Kaito.Api.Keda;
using Kaito.Api.V1Beta1;
using Kaito.Presets;
using Kaito.Reconcilers.Manifests;
using Kaito.Reconcilers.Shared;

namespace Kaito.Reconcilers.InferenceSets;

/// <summary>
/// The KEDA ScaledObject an InferenceSet's scaledobject.kaito.sh annotations ask for: applied when KEDA's CRD is
/// installed (read first, written only when its hash differs), left alone when someone else's ScaledObject has the
/// name, deleted when the annotations no longer ask for it. The outcome is the set's Autoscaler condition.
/// </summary>
public sealed class SetScaledObject(IKubernetes client, string scalerAddress)
{
    /// <summary>How soon a set whose ScaledObject could not be written looks again (KEDA may be installed meanwhile).</summary>
    public static readonly TimeSpan Recheck = TimeSpan.FromSeconds(20);

    /// <summary>What the annotations led to: the Autoscaler condition (null: none wanted) and whether to look again soon.</summary>
    public sealed record Outcome(V1Condition? Condition, bool RecheckSoon);

    public async Task<Outcome> EnsureAsync(InferenceSet set, CancellationToken ct)
    {
        var generation = set.Metadata.Generation;
        var annotations = set.Metadata.Annotations;
        var hadCondition = set.Status?.Conditions?.Any(c => c.Type == ConditionTypes.Autoscaler) == true;
        if (!KedaAutoscaling.Requested(annotations))
        {
            // Asked for before: take our ScaledObject away (KEDA would keep scaling the set otherwise).
            if (hadCondition && await ReadAsync(set, ct) is { Installed: true, Live: { } live } && Ours(live)) await DeleteAsync(set, ct);
            return new(null, false);
        }

        var (autoscaling, problems) = KedaAutoscaling.Read(annotations, set.Spec?.NodeCountLimit);
        if (autoscaling is null)
            return new(StatusConditions.Make(ConditionTypes.Autoscaler, false, "InvalidAnnotations",
                string.Join("; ", problems.Select(p => $"{p.Key}: {p.Message}")), generation), false);

        var (installed, current) = await ReadAsync(set, ct);
        if (!installed)
            return new(StatusConditions.Make(ConditionTypes.Autoscaler, false, "KedaNotInstalled",
                $"{KedaAutoscaling.AutoProvisionKey} is \"true\" but the cluster has no {ScaledObject.Plural}.{ScaledObject.Group} API: install KEDA, or remove the annotation", generation), true);
        if (current is not null && !Ours(current))
            return new(StatusConditions.Make(ConditionTypes.Autoscaler, false, "ScaledObjectNotOwned",
                $"ScaledObject {set.Metadata.Name} exists and was not made by this operator: delete or rename it, or remove {KedaAutoscaling.AutoProvisionKey}", generation), true);

        var desired = ScaledObjectManifests.Build(set, autoscaling, scalerAddress);
        if (ChildApplier.NeedsApply(desired, current))
        {
            await client.CustomObjects.PatchNamespacedCustomObjectAsync(new V1Patch(desired, V1Patch.PatchType.ApplyPatch), ScaledObject.Group, ScaledObject.Version,
                set.Metadata.NamespaceProperty, ScaledObject.Plural, desired.Metadata.Name, fieldManager: ReconcilerSettings.FieldManager, force: true, cancellationToken: ct);
        }
        return new(StatusConditions.Make(ConditionTypes.Autoscaler, true, "ScaledObjectReady",
            $"KEDA ScaledObject {desired.Metadata.Name} scales {autoscaling.MinReplicas}-{autoscaling.MaxReplicas} replicas on {autoscaling.MetricName} (threshold {autoscaling.Threshold})", generation), false);
    }

    static bool Ours(ScaledObject live) =>
        live.Metadata.Annotations?.TryGetValue(KedaAutoscaling.ManagedByKey, out var by) == true && by == KedaAutoscaling.ManagedByValue;

    /// <summary>The live ScaledObject (null when absent), and whether the API serves ScaledObjects at all.</summary>
    async Task<(bool Installed, ScaledObject? Live)> ReadAsync(InferenceSet set, CancellationToken ct)
    {
        try
        {
            return (true, await client.CustomObjects.GetNamespacedCustomObjectAsync<ScaledObject>(ScaledObject.Group, ScaledObject.Version,
                set.Metadata.NamespaceProperty, ScaledObject.Plural, set.Metadata.Name, ct));
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            // A missing object is a Status with reason NotFound; an API the server does not serve is a bare 404 page.
            return (IsStatus(e.Response.Content), null);
        }
    }

    static bool IsStatus(string? body)
    {
        try
        {
            return body is { Length: > 0 } && KubernetesJson.Deserialize<V1Status>(body) is { Kind: "Status" };
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    async Task DeleteAsync(InferenceSet set, CancellationToken ct)
    {
        try
        {
            await client.CustomObjects.DeleteNamespacedCustomObjectAsync(ScaledObject.Group, ScaledObject.Version, set.Metadata.NamespaceProperty,
                ScaledObject.Plural, set.Metadata.Name, cancellationToken: ct);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
        }
    }
}

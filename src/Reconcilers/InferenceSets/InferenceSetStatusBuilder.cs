using System.Globalization;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Kaito.Api.V1Beta1;
using Kaito.Presets;
using Kaito.Reconcilers.Shared;

namespace Kaito.Reconcilers.InferenceSets;

/// <summary>
/// An InferenceSet's status from what one pass saw: counts for the scale subresource, the selector, and the Ready,
/// Scaling and Updating conditions. Messages carry counts only, never times, so an unchanged world writes nothing.
/// </summary>
public static class InferenceSetStatusBuilder
{
    public static InferenceSetStatus Build(InferenceSet set, InferenceSetObservation seen, DateTime? scaleDownPendingSince, DateTime now, SetExtras? extras = null)
    {
        var old = set.Status;
        var generation = set.Metadata.Generation;
        var live = seen.Children.Where(c => !c.Deleting).ToList();
        var ready = seen.Current.Count(c => c.Ready && !c.Deleting);
        var updated = seen.Current.Count(c => c.Hash == seen.Hash && !c.Deleting);
        var desired = seen.Desired;

        // Cold start: from the first pass that wants replicas while none exists, until one serves.
        var fromZeroSince = old?.ScaleFromZeroSince?.ToUniversalTime();
        if (desired > 0 && seen.Children.Count == 0 && fromZeroSince is null) fromZeroSince = now;
        var coldStart = old?.LastColdStartSeconds;
        if (fromZeroSince is { } start && ready > 0)
        {
            coldStart = Math.Round((now - start).TotalSeconds, 1);
            fromZeroSince = null;
        }
        if (desired == 0) fromZeroSince = null;

        List<V1Condition> desiredConditions =
        [
            desired == 0
                ? StatusConditions.Make(ConditionTypes.Ready, seen.Children.Count == 0, seen.Children.Count == 0 ? "ScaledToZero" : "ScalingToZero",
                    seen.Children.Count == 0 ? "no replicas: every GPU node is released" : Count($"replicas 0: {seen.Children.Count} Workspace(s) still to go"), generation)
                : ready >= desired
                    ? StatusConditions.Make(ConditionTypes.Ready, true, "AllReplicasReady", Count($"{ready}/{desired} replicas ready"), generation)
                    : StatusConditions.Make(ConditionTypes.Ready, false, fromZeroSince is null ? "ReplicasNotReady" : "ScalingFromZero", Count($"{ready}/{desired} replicas ready"), generation),
            Scaling(seen, scaleDownPendingSince, generation),
            seen.Budget.OnDelete && seen.Outdated.Count > 0
                ? StatusConditions.Make(ConditionTypes.Updating, true, "WaitingForDelete", Count($"{updated}/{desired} replicas updated; delete the others to replace them (updateStrategy OnDelete)"), generation)
                : seen.Current.Any(c => c.Hash != seen.Hash)
                    ? StatusConditions.Make(ConditionTypes.Updating, true, "RollingUpdate", Count($"{updated}/{desired} replicas updated, at most {seen.Budget.Allowed(desired)} unavailable at a time"), generation)
                    : StatusConditions.Make(ConditionTypes.Updating, false, "UpToDate", "every replica runs the current template", generation),
        ];

        var upgrade = extras?.Upgrade;
        var upgradeCondition = upgrade is { Enabled: true } ? Upgrading(set, seen, upgrade, generation) : null;
        if (upgradeCondition is not null) desiredConditions.Add(upgradeCondition);
        var upgradeFinished = upgradeCondition?.Reason == "UpToDate" && Reason(old, ConditionTypes.AutoUpgrade) == "Upgrading";
        if (extras?.Autoscaler is { } autoscaler) desiredConditions.Add(autoscaler);
        List<string> absent = [];
        if (upgrade is not { Enabled: true }) absent.Add(ConditionTypes.AutoUpgrade);
        if (extras?.Autoscaler is null) absent.Add(ConditionTypes.Autoscaler);

        return new InferenceSetStatus
        {
            Replicas = live.Count,
            ReadyReplicas = ready,
            UpdatedReplicas = updated,
            Selector = InferenceSetChildren.Selector(set.Metadata.Name),
            Conditions = StatusConditions.Merge(old?.Conditions, desiredConditions, now, absent),
            LastColdStartSeconds = coldStart,
            ScaleDownPendingSince = scaleDownPendingSince,
            ScaleFromZeroSince = fromZeroSince,
            AutoUpgrade = upgrade is null ? old?.AutoUpgrade : UpgradeStatus(old?.AutoUpgrade, upgrade, upgradeFinished, now),
        };
    }

    /// <summary>Drift counted while autoUpgrade is on or drift remains; the upgrade time when the last drifted replica went.</summary>
    static AutoUpgradeStatus? UpgradeStatus(AutoUpgradeStatus? old, SetUpgrade upgrade, bool finished, DateTime now)
    {
        if (!upgrade.Enabled && upgrade.Drifted.Count == 0)
            return old?.LastSuccessfulUpgradeTime is { } last ? new AutoUpgradeStatus { NumDriftedWorkspaces = 0, LastSuccessfulUpgradeTime = last.ToUniversalTime() } : null;
        return new AutoUpgradeStatus
        {
            NumDriftedWorkspaces = upgrade.Drifted.Count,
            LastSuccessfulUpgradeTime = finished ? now : old?.LastSuccessfulUpgradeTime?.ToUniversalTime(),
        };
    }

    static string? Reason(InferenceSetStatus? status, string type) => status?.Conditions?.FirstOrDefault(c => c.Type == type)?.Reason;

    /// <summary>Upgrading from the first replacement until every replica serves again; then UpToDate.</summary>
    static V1Condition Upgrading(InferenceSet set, InferenceSetObservation seen, SetUpgrade upgrade, long? generation)
    {
        var serving = seen.Current.Count == seen.Desired && seen.Current.All(c => c.Ready && !c.Deleting);
        if (upgrade.Drifted.Count == 0 && !serving && Reason(set.Status, ConditionTypes.AutoUpgrade) == "Upgrading")
            return StatusConditions.Make(ConditionTypes.AutoUpgrade, false, "Upgrading", $"the last replicas upgraded to {upgrade.CurrentImage} are starting", generation);
        if (upgrade.Drifted.Count == 0)
            return StatusConditions.Make(ConditionTypes.AutoUpgrade, true, "UpToDate", upgrade.CurrentImage is { } image ? $"every replica runs {image}" : "the template names no preset image to upgrade", generation);
        if (upgrade.Replacing)
            return StatusConditions.Make(ConditionTypes.AutoUpgrade, false, "Upgrading",
                Count($"{upgrade.Drifted.Count} replica(s) on an older image being replaced with {upgrade.CurrentImage} ({(upgrade.Surge ? "Surge: one extra replica serves meanwhile" : "InPlace: within maxUnavailable")})"), generation);
        var window = set.Spec?.AutoUpgrade?.MaintenanceWindow;
        return StatusConditions.Make(ConditionTypes.AutoUpgrade, false, "WaitingForMaintenanceWindow",
            Count($"{upgrade.Drifted.Count} replica(s) run an older image than {upgrade.CurrentImage}; they are replaced in the maintenance window (\"{window?.Schedule}\" UTC, for {window?.Duration ?? CronSchedule.DefaultWindow})"), generation);
    }

    static V1Condition Scaling(InferenceSetObservation seen, DateTime? scaleDownPendingSince, long? generation)
    {
        var live = seen.Children.Count(c => !c.Deleting);
        var going = seen.Children.Count(c => c.Deleting);
        if (scaleDownPendingSince is not null)
            return StatusConditions.Make(ConditionTypes.Scaling, true, "CoolingDown",
                Count($"{live} Workspaces for {seen.Desired} replicas: the surplus is kept for the scale-down cool-down, then deleted"), generation);
        if (live < seen.Desired || seen.Current.Count < seen.Desired)
            return StatusConditions.Make(ConditionTypes.Scaling, true, "ScalingUp", Count($"{seen.Current.Count(c => !c.Deleting)}/{seen.Desired} Workspaces exist"), generation);
        if (live > seen.Desired || going > 0)
            return StatusConditions.Make(ConditionTypes.Scaling, true, "ScalingDown", Count($"{going} Workspace(s) being deleted, {seen.Desired} wanted"), generation);
        return StatusConditions.Make(ConditionTypes.Scaling, false, "Steady", Count($"{seen.Desired} Workspaces for {seen.Desired} replicas"), generation);
    }

    /// <summary>The status with one step's failure in <paramref name="condition"/>; everything else as it was.</summary>
    public static InferenceSetStatus Failed(InferenceSet set, string condition, string reason, string message, DateTime now)
    {
        var old = set.Status;
        return new InferenceSetStatus
        {
            Replicas = old?.Replicas,
            ReadyReplicas = old?.ReadyReplicas,
            UpdatedReplicas = old?.UpdatedReplicas,
            Selector = InferenceSetChildren.Selector(set.Metadata.Name),
            Conditions = StatusConditions.Merge(old?.Conditions, [StatusConditions.Make(condition, false, reason, message, set.Metadata.Generation)], now),
            LastColdStartSeconds = old?.LastColdStartSeconds,
            ScaleDownPendingSince = old?.ScaleDownPendingSince,
            ScaleFromZeroSince = old?.ScaleFromZeroSince,
            AutoUpgrade = old?.AutoUpgrade,
        };
    }

    /// <summary>
    /// The status as a merge patch. A field that is no longer set is sent as null: left out, the merge would keep the
    /// stored value (a cool-down that ended would look pending forever).
    /// </summary>
    public static JsonObject AsPatch(InferenceSetStatus status)
    {
        var json = JsonNode.Parse(KubernetesJson.Serialize(status))!.AsObject();
        foreach (var field in (string[])["scaleDownPendingSince", "scaleFromZeroSince", "lastColdStartSeconds", "autoUpgrade"])
            if (!json.ContainsKey(field)) json[field] = null;
        return json;
    }

    public static bool Changed(InferenceSetStatus? current, InferenceSetStatus next) =>
        current is null
        || current.Replicas != next.Replicas || current.ReadyReplicas != next.ReadyReplicas || current.UpdatedReplicas != next.UpdatedReplicas
        || current.Selector != next.Selector || current.LastColdStartSeconds != next.LastColdStartSeconds
        || current.ScaleDownPendingSince != next.ScaleDownPendingSince || current.ScaleFromZeroSince != next.ScaleFromZeroSince
        || current.AutoUpgrade?.NumDriftedWorkspaces != next.AutoUpgrade?.NumDriftedWorkspaces
        || current.AutoUpgrade?.LastSuccessfulUpgradeTime?.ToUniversalTime() != next.AutoUpgrade?.LastSuccessfulUpgradeTime?.ToUniversalTime()
        || !StatusConditions.Equivalent(current.Conditions, next.Conditions);

    static string Count(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>What a pass decided besides the replicas: the KEDA ScaledObject's condition (null: none asked for) and autoUpgrade.</summary>
public sealed record SetExtras(V1Condition? Autoscaler, SetUpgrade? Upgrade);

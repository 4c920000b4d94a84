using k8s;
using k8s.Models;
using Kaito.Api.Karpenter;
using Kaito.Api.V1Beta1;
using Kaito.Presets;
using Kaito.Reconcilers.Manifests;
using Kaito.Reconcilers.Runtime;
using Kaito.Reconcilers.Shared;
using Microsoft.Extensions.Logging;

namespace Kaito.Reconcilers.Workspaces;

/// <summary>
/// Brings a Workspace to life: finalizer; GPU nodes (NodeClaims with deterministic names, or the user's
/// nodes); the inference or tuning workload; then conditions computed from what is observed, written
/// only when they changed. Reads come from informer caches; nothing here waits or sleeps.
/// </summary>
public sealed partial class WorkspaceReconciler(
    IKubernetes client, WorkspaceCaches caches, ReconcilerSettings settings, EventRecorder events,
    ILogger<WorkspaceReconciler> logger, TimeProvider? time = null)
    : OwnerReconciler<Workspace>(caches.Workspaces, new OwnerWrites(client, Workspace.Plural), events, Finalizers.Workspace, time)
{
    static readonly TimeSpan WaitingPoll = TimeSpan.FromSeconds(15);
    readonly ChildApplier applier = new(client);

    protected override string Kind => "Workspace";

    protected override async Task<ReconcileResult> ReconcileOwnerAsync(Workspace workspace, CancellationToken cancellationToken)
    {
        // Under auto-provisioning the candidates are the nodes of the Workspace's ready NodeClaims; creating claims in this
        // pass cannot add to them (a new claim is never ready), so they are read once.
        var candidates = settings.NodeAutoProvisioning
            ? ReadyClaimNodeList(workspace)
            : caches.Nodes.All.Where(n => LabelSelectorMatcher.Matches(workspace.Resource?.LabelSelector, n.Metadata.Labels)).ToList();
        var hub = await HubModelAsync(workspace, cancellationToken);
        // An unlisted size's GPUs are read from a node of that size: a ready one the user named in preferredNodes serves as
        // well as a claim's, and spares provisioning one just to read its labels.
        var allPreferred = settings.NodeAutoProvisioning ? PreferredNodes(workspace) : [];
        var planningNodes = settings.NodeAutoProvisioning
            ? [.. allPreferred.Where(n => IsReadyNodeOf(n, workspace.Resource?.InstanceType)), .. candidates]
            : candidates;
        var plan = hub.Problem is { } hubProblem ? new WorkspacePlan(null, 1, hubProblem) : WorkspacePlanner.Plan(workspace, settings, planningNodes, hub.Model);
        var seen = new WorkspaceObservation { NodeAutoProvisioning = settings.NodeAutoProvisioning, TargetNodes = plan.TargetNodes, PlanProblem = plan.Problem };
        if (plan.ProvisionFirst && settings.NodeAutoProvisioning)
        {
            // An unlisted GPU size: its first node tells the planner its GPUs; a failing NodeClaim says why it cannot.
            await EnsureNodeClaimsAsync(workspace, plan.TargetNodes, hub.Model ?? WorkspaceSemantics.Model(workspace), cancellationToken);
            seen = seen with { PlanProblem = NodeReadiness.Problem(OwnClaims(workspace)) ?? plan.Problem };
            await WriteStatusAsync(workspace, seen, cancellationToken);
            return ReconcileResult.After(WaitingPoll);
        }
        if (plan.Workload is null)
        {
            await WriteStatusAsync(workspace, seen, cancellationToken);
            return ReconcileResult.After(WaitingPoll * 4);
        }

        // preferredNodes that exist and carry the selector's labels are used as they are, waited for while not ready (the
        // documented KAITO behaviour its HEAD dropped); NodeClaims are made only for what they do not cover.
        var preferred = allPreferred.Take(plan.TargetNodes).ToList();
        List<string> readyNodes;
        if (settings.NodeAutoProvisioning)
        {
            await EnsureNodeClaimsAsync(workspace, plan.TargetNodes - preferred.Count, plan.Workload.Model, cancellationToken);
            readyNodes = [.. preferred.Where(NodeReadiness.IsReadyGpuNode).Select(n => n.Metadata.Name), .. candidates.Select(n => n.Metadata.Name).Order(StringComparer.Ordinal)];
        }
        else readyNodes = SelectOwnNodes(workspace, candidates, plan.TargetNodes);
        IReadOnlyCollection<NodeClaim> claims = settings.NodeAutoProvisioning ? OwnClaims(workspace) : [];
        seen = seen with
        {
            NodeClaimTarget = plan.TargetNodes - preferred.Count,
            ReadyNodes = readyNodes.Count,
            WorkerNodes = readyNodes,
            ReadyNodeClaims = claims.Count(NodeReadiness.IsReady),
            NodeClaimProblem = NodeReadiness.Problem(claims),
        };
        if (readyNodes.Count < plan.TargetNodes)
        {
            await WriteStatusAsync(workspace, seen, cancellationToken);
            return ReconcileResult.After(WaitingPoll);
        }

        var workload = plan.Workload with { NodeNames = [.. readyNodes.Take(plan.TargetNodes).Order(StringComparer.Ordinal)], Revision = workspace.Metadata.Generation ?? 1 };
        seen = workspace.Tuning is not null
            ? await StepFailure.Run(ConditionTypes.JobStarted, "creating the tuning Job", () => EnsureTuningAsync(workspace, workload, seen, cancellationToken))
            : await StepFailure.Run(ConditionTypes.InferenceReady, "applying the inference workload", () => EnsureInferenceAsync(workspace, workload, seen, cancellationToken));
        await WriteStatusAsync(workspace, seen, cancellationToken);
        var settled = workspace.Tuning is not null ? seen.Job?.Succeeded > 0 || seen.Job?.Failed > 0 : seen.ReadyReplicas >= seen.DesiredReplicas;
        return settled ? ReconcileResult.Done : ReconcileResult.After(WaitingPoll);
    }

    IReadOnlyCollection<NodeClaim> OwnClaims(Workspace workspace) => caches.NodeClaims.OwnedBy(workspace.Metadata.NamespaceProperty, workspace.Metadata.Name);

    async Task EnsureNodeClaimsAsync(Workspace workspace, int target, ModelPreset? model, CancellationToken ct)
    {
        if (settings.Karpenter)
        {
            await StepFailure.Run(ConditionTypes.NodeClaimReady, $"applying NodePool {NodePoolManifests.Name(workspace)}", () => EnsureNodePoolAsync(workspace, target, model, ct));
            return;
        }
        var existing = OwnClaims(workspace).ToDictionary(c => c.Metadata.Name);
        for (var index = 0; index < target; index++)
        {
            var name = NodeClaimManifests.Name(workspace, index);
            if (existing.ContainsKey(name)) continue;
            var claim = NodeClaimManifests.Build(workspace, workspace.Resource!.InstanceType!, index, settings.Cloud, model);
            if (await StepFailure.Run(ConditionTypes.NodeClaimReady, $"creating NodeClaim {name}", () => Writes.CreateNodeClaimAsync(claim, ct)))
                await Events.NormalAsync(workspace, "NodeClaimCreated", $"created NodeClaim {name} ({workspace.Resource.InstanceType})", ct);
        }
    }

    /// <summary>Ready nodes of the Workspace's ready NodeClaims whose instance type is the one asked for.</summary>
    List<V1Node> ReadyClaimNodeList(Workspace workspace)
    {
        var instanceType = workspace.Resource?.InstanceType;
        var result = new List<V1Node>();
        foreach (var claim in OwnClaims(workspace).Where(NodeReadiness.IsReady))
        {
            if (caches.Nodes.Get("", claim.Status!.NodeName!) is { } node && IsReadyNodeOf(node, instanceType)) result.Add(node);
        }
        return result;
    }

    /// <summary>A ready GPU node whose instance-type label is <paramref name="instanceType"/>.</summary>
    static bool IsReadyNodeOf(V1Node node, string? instanceType) =>
        NodeReadiness.IsReadyGpuNode(node)
        && node.Metadata.Labels?.TryGetValue("node.kubernetes.io/instance-type", out var type) == true
        && string.Equals(type, instanceType, StringComparison.OrdinalIgnoreCase);

    /// <summary>Karpenter: the Workspace's NodePool, created with the replicas needed; replicas only ever grow (as in KAITO).</summary>
    async Task EnsureNodePoolAsync(Workspace workspace, int replicas, ModelPreset? model, CancellationToken ct)
    {
        if (replicas <= 0) return;
        var desired = NodePoolManifests.Build(workspace, workspace.Resource!.InstanceType!, settings.Cloud, replicas, model);
        var live = await Writes.GetNodePoolAsync(desired.Metadata.Name, ct);
        if (live is null)
        {
            if (await Writes.CreateNodePoolAsync(desired, ct))
                await Events.NormalAsync(workspace, "NodePoolCreated", $"created NodePool {desired.Metadata.Name} ({replicas} × {workspace.Resource.InstanceType})", ct);
        }
        else if ((live.Spec?.Replicas ?? 0) < replicas)
        {
            await Writes.ScaleNodePoolAsync(desired.Metadata.Name, replicas, ct);
            await Events.NormalAsync(workspace, "NodePoolScaled", $"scaled NodePool {desired.Metadata.Name} to {replicas}", ct);
        }
    }

    /// <summary>
    /// The preferredNodes that exist and carry the selector's labels, by name (the first target-many are the Workspace's
    /// nodes, even while not yet ready: it waits for them rather than provisioning a replacement).
    /// </summary>
    List<V1Node> PreferredNodes(Workspace workspace)
    {
        var names = workspace.Resource?.PreferredNodes;
        if (names is not { Count: > 0 }) return [];
        return [.. names.Distinct(StringComparer.Ordinal)
            .Select(name => caches.Nodes.Get("", name))
            .Where(n => n is not null && n.Metadata.DeletionTimestamp is null && LabelSelectorMatcher.Matches(workspace.Resource?.LabelSelector, n.Metadata.Labels))
            .OrderBy(n => n!.Metadata.Name, StringComparer.Ordinal)
            .Select(n => n!)];
    }

    static List<string> SelectOwnNodes(Workspace workspace, IReadOnlyList<V1Node> candidates, int target)
    {
        var preferred = workspace.Resource?.PreferredNodes ?? [];
        return [.. candidates.Where(NodeReadiness.IsReadyGpuNode)
            .OrderBy(n => preferred.Contains(n.Metadata.Name) ? 0 : 1)
            .ThenBy(n => n.Metadata.Name, StringComparer.Ordinal)
            .Take(target)
            .Select(n => n.Metadata.Name)];
    }

    async Task<WorkspaceObservation> EnsureInferenceAsync(Workspace workspace, WorkloadPlan plan, WorkspaceObservation seen, CancellationToken ct)
    {
        var ns = workspace.Metadata.NamespaceProperty;
        var desired = InferenceManifests.Build(workspace, plan);
        if (await applier.ApplyAsync(desired.Service, caches.Services.Get(ns, desired.Service.Metadata.Name), ct))
            await Events.NormalAsync(workspace, "ServiceApplied", $"applied Service {desired.Service.Metadata.Name} (port 80 → 5000)", ct);
        if (desired.HeadlessService is { } headless) await applier.ApplyAsync(headless, caches.Services.Get(ns, headless.Metadata.Name), ct);

        int wanted, ready;
        if (desired.Deployment is { } deployment)
        {
            var live = caches.Deployments.Get(ns, deployment.Metadata.Name);
            if (await applier.ApplyAsync(deployment, live, ct))
            {
                await Events.NormalAsync(workspace, "WorkloadApplied", $"applied Deployment {deployment.Metadata.Name} ({plan.GpusPerNode} GPU(s), {plan.Runtime})", ct);
                live = null;
            }
            wanted = deployment.Spec.Replicas ?? 1;
            ready = live is { Status: { } s } && s.ObservedGeneration >= live.Metadata.Generation && (s.UpdatedReplicas ?? 0) >= wanted ? s.ReadyReplicas ?? 0 : 0;
        }
        else
        {
            var statefulSet = desired.StatefulSet!;
            var live = caches.StatefulSets.Get(ns, statefulSet.Metadata.Name);
            if (await applier.ApplyAsync(statefulSet, live, ct))
            {
                await Events.NormalAsync(workspace, "WorkloadApplied", $"applied StatefulSet {statefulSet.Metadata.Name} ({plan.Nodes} nodes × {plan.GpusPerNode} GPU(s), {plan.Runtime})", ct);
                live = null;
            }
            wanted = statefulSet.Spec.Replicas ?? 1;
            ready = live is { Status: { } s } && s.ObservedGeneration >= live.Metadata.Generation ? s.ReadyReplicas ?? 0 : 0;
        }

        var pods = caches.Pods.OwnedBy(ns, workspace.Metadata.Name);
        return seen with
        {
            WorkloadCreated = true,
            DesiredReplicas = wanted,
            ReadyReplicas = ready,
            PodProblem = ready >= wanted ? null : PodHealth.Diagnose(pods.Where(p => !PodHealth.IsReady(p))),
        };
    }

    async Task<WorkspaceObservation> EnsureTuningAsync(Workspace workspace, WorkloadPlan plan, WorkspaceObservation seen, CancellationToken ct)
    {
        var live = caches.Jobs.Get(workspace.Metadata.NamespaceProperty, workspace.Metadata.Name);
        // The Job is never patched, so the user's training config is read only when the Job is about to be created.
        var resultsDir = live is null && workspace.Tuning?.Config is { Length: > 0 } userConfig ? await ResultsDirAsync(workspace, userConfig, ct) : null;
        var desired = TuningManifests.Build(workspace, plan, settings.Tuning, resultsDir);
        if (desired.TrainingConfig is { } config) await applier.ApplyAsync(config, ct);
        // The downloader runs once, as the Job's pod starts: the policy must exist before, and is not needed after.
        if (live is null && desired.EgressPolicy is { } egress) await applier.ApplyAsync(egress, null, ct);
        if (await applier.EnsureJobAsync(desired.Job, live, ct))
            await Events.NormalAsync(workspace, "TuningJobCreated", $"created tuning Job {desired.Job.Metadata.Name}", ct);
        var pods = live?.Status?.Succeeded > 0 ? [] : caches.Pods.OwnedBy(workspace.Metadata.NamespaceProperty, workspace.Metadata.Name);
        return seen with { WorkloadCreated = true, Job = live?.Status, PodProblem = PodHealth.Diagnose(pods) };
    }

    /// <summary>The output_dir of the user's training config, where the results volume must be mounted.</summary>
    async Task<string> ResultsDirAsync(Workspace workspace, string configName, CancellationToken ct)
    {
        var ns = workspace.Metadata.NamespaceProperty;
        var configMap = await client.CoreV1.ReadNamespacedConfigMapAsync(configName, ns, cancellationToken: ct);
        configMap.Data ??= new Dictionary<string, string>();
        var (dir, problem) = configMap.Data.TryGetValue(ManifestConstants.TrainingConfigKey, out var yaml)
            ? Kaito.Presets.TrainingOutput.Read(yaml)
            : (null, $"it has no {ManifestConstants.TrainingConfigKey} key");
        return dir ?? throw new StepFailure(ConditionTypes.JobStarted, "InvalidTuningConfig",
            $"tuning.config ConfigMap {ns}/{configName} cannot be used: {problem}; fix the ConfigMap (the Job is created once it can be read)", terminal: false,
            new InvalidOperationException(problem));
    }

    protected override async Task<ReconcileResult> FinalizeAsync(Workspace workspace, CancellationToken ct)
    {
        await WriteStatusAsync(workspace, new WorkspaceObservation { Deleting = true }, ct);
        if (settings.NodeAutoProvisioning)
        {
            if (settings.Karpenter && await Writes.DeleteNodePoolAsync(NodePoolManifests.Name(workspace), ct))
                await Events.NormalAsync(workspace, "NodePoolDeleted", $"deleted NodePool {NodePoolManifests.Name(workspace)}", ct);
            var claims = OwnClaims(workspace);
            foreach (var claim in claims.Where(c => c.Metadata.DeletionTimestamp is null))
            {
                if (await Writes.DeleteNodeClaimAsync(claim.Metadata.Name, ct))
                    await Events.NormalAsync(workspace, "NodeClaimDeleted", $"deleted NodeClaim {claim.Metadata.Name}", ct);
            }
            if (claims.Count > 0) return ReconcileResult.After(TimeSpan.FromSeconds(2));   // released once they are gone
        }
        await ReleaseFinalizerAsync(workspace, ct);
        LogReleased(logger, workspace.Metadata.NamespaceProperty, workspace.Metadata.Name);
        return ReconcileResult.Done;
    }

    protected override object? FailedStatus(Workspace workspace, StepFailure failure, string message, DateTime now)
    {
        var next = WorkspaceStatusBuilder.Failed(workspace, failure.Condition, failure.Reason, message, now);
        return WorkspaceStatusBuilder.Changed(workspace.Status, next) ? next : null;
    }

    async Task WriteStatusAsync(Workspace workspace, WorkspaceObservation seen, CancellationToken ct)
    {
        var next = WorkspaceStatusBuilder.Build(workspace, seen, Clock.GetUtcNow().UtcDateTime);
        if (WorkspaceStatusBuilder.Changed(workspace.Status, next)) await PatchStatusAsync(workspace, next, ct);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "workspace {Namespace}/{Name}: NodeClaims gone, finalizer released")]
    static partial void LogReleased(ILogger logger, string @namespace, string name);
}

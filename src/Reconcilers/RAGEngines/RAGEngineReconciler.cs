using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Kaito.Api.Karpenter;
using Kaito.Api.V1Beta1;
using Kaito.Reconcilers.Manifests;
using Kaito.Reconcilers.Runtime;
using Kaito.Reconcilers.Shared;
using Kaito.Reconcilers.Workspaces;
using Microsoft.Extensions.Logging;

namespace Kaito.Reconcilers.RAGEngines;

/// <summary>
/// Brings a RAGEngine to life: finalizer; a GPU node only for a local embedding model on a GPU SKU (one NodeClaim
/// with a deterministic name, or one of the user's nodes); the settings ConfigMap, the Deployment and the Service;
/// then conditions from what is observed, written only when they changed. Reads come from informer caches and
/// nothing waits: a pass that finds something unfinished asks to be looked at again.
/// </summary>
public sealed partial class RAGEngineReconciler(
    IKubernetes client, RAGEngineCaches caches, ReconcilerSettings settings, EventRecorder events,
    ILogger<RAGEngineReconciler> logger, TimeProvider? time = null)
    : OwnerReconciler<RAGEngine>(caches.RAGEngines, new OwnerWrites(client, RAGEngine.Plural), events, Finalizers.RAGEngine, time)
{
    static readonly TimeSpan WaitingPoll = TimeSpan.FromSeconds(15);
    readonly ChildApplier applier = new(client);

    protected override string Kind => "RAGEngine";

    protected override async Task<ReconcileResult> ReconcileOwnerAsync(RAGEngine rag, CancellationToken ct)
    {
        var compute = RAGEnginePlanner.Plan(rag, settings);
        var seen = await EnsureComputeAsync(rag, compute, ct);
        if (seen.ResourceProblem is not null)
        {
            await WriteStatusAsync(rag, seen, ct);
            return ReconcileResult.After(WaitingPoll);
        }

        var plan = new RAGEngineWorkloadPlan
        {
            Image = settings.RagImage,
            Revision = rag.Metadata.Generation ?? 1,
            Gpus = compute.Gpus,
            NodeNames = seen.WorkerNodes,
            NodeSelector = compute.CpuNodeSelector,
        };
        seen = await StepFailure.Run(ConditionTypes.ServiceReady, "applying the RAG service", () => EnsureWorkloadAsync(rag, RAGEngineManifests.Build(rag, plan), seen, ct));
        await WriteStatusAsync(rag, seen, ct);
        return seen.ReadyReplicas >= seen.DesiredReplicas ? ReconcileResult.Done : ReconcileResult.After(WaitingPoll);
    }

    IReadOnlyCollection<NodeClaim> OwnClaims(RAGEngine rag) => caches.NodeClaims.OwnedBy(rag.Metadata.NamespaceProperty, rag.Metadata.Name);

    async Task<RAGEngineObservation> EnsureComputeAsync(RAGEngine rag, RAGEngineComputePlan compute, CancellationToken ct)
    {
        var seen = new RAGEngineObservation { NeedsGpuNode = compute.NeedsGpuNode, NodeClaimExpected = compute.ProvisionNodeClaim };
        if (!compute.NeedsGpuNode) return seen;
        if (!compute.ProvisionNodeClaim)
        {
            var own = RAGEnginePlanner.PickOwnGpuNode(rag, caches.Nodes.All);
            return own is null
                ? seen with { ResourceProblem = ("NoMatchingGpuNode", "no ready GPU node matches spec.compute.labelSelector; label a GPU node with it or fix the selector") }
                : seen with { WorkerNodes = [own] };
        }

        var name = RAGEngineNodeClaims.Name(rag);
        var claim = OwnClaims(rag).FirstOrDefault(c => c.Metadata.Name == name);
        // A GPU node the user named in preferredNodes is used as it is; one made earlier stays (no needless move).
        if (claim is null && RAGEnginePlanner.PickPreferredGpuNode(rag, caches.Nodes.All) is { } preferred)
            return seen with { NodeClaimExpected = false, WorkerNodes = [preferred] };
        if (claim is null)
        {
            if (await StepFailure.Run(ConditionTypes.ResourceReady, $"creating NodeClaim {name}",
                    () => Writes.CreateNodeClaimAsync(RAGEngineNodeClaims.Build(rag, compute.InstanceType!, settings.Cloud), ct)))
                await Events.NormalAsync(rag, "NodeClaimCreated", $"created NodeClaim {name} ({compute.InstanceType}) for the local embedding model", ct);
            return seen with { ResourceProblem = ("NodeClaimPending", $"NodeClaim {name} ({compute.InstanceType}) is being provisioned") };
        }
        if (!NodeReadiness.IsReady(claim))
            return seen with { ResourceProblem = NodeReadiness.Problem([claim]) ?? ("NodeClaimNotReady", $"NodeClaim {name} is not ready yet") };
        var node = caches.Nodes.Get("", claim.Status!.NodeName!);
        if (node is null || !NodeReadiness.IsReadyGpuNode(node))
            return seen with { NodeClaimReady = true, ResourceProblem = ("NodeNotReady", $"node {claim.Status.NodeName} of NodeClaim {name} is not a ready GPU node yet") };
        return seen with { NodeClaimReady = true, WorkerNodes = [node.Metadata.Name] };
    }

    async Task<RAGEngineObservation> EnsureWorkloadAsync(RAGEngine rag, RAGEngineWorkload desired, RAGEngineObservation seen, CancellationToken ct)
    {
        var ns = rag.Metadata.NamespaceProperty;
        await applier.ApplyAsync(desired.Config, caches.ConfigMaps.Get(ns, desired.Config.Metadata.Name), ct);
        var defaultGuardrails = rag.Metadata.Name + RAGEngineManifests.GuardrailsSuffix;
        if (desired.DefaultGuardrails is { } guardrails) await applier.ApplyAsync(guardrails, caches.ConfigMaps.Get(ns, guardrails.Metadata.Name), ct);
        else if (caches.ConfigMaps.Get(ns, defaultGuardrails) is not null) await applier.DeleteConfigMapAsync(ns, defaultGuardrails, ct);

        if (await applier.ApplyAsync(desired.Service, caches.Services.Get(ns, desired.Service.Metadata.Name), ct))
            await Events.NormalAsync(rag, "ServiceApplied", $"applied Service {desired.Service.Metadata.Name} (port 80 → 5000)", ct);

        var deployment = desired.Deployment;
        var live = caches.Deployments.Get(ns, deployment.Metadata.Name);
        if (await applier.ApplyAsync(deployment, live, ct))
        {
            await Events.NormalAsync(rag, "WorkloadApplied", $"applied Deployment {deployment.Metadata.Name} (revision {rag.Metadata.Generation ?? 1})", ct);
            live = null;
        }
        var wanted = deployment.Spec.Replicas ?? 1;
        var ready = live is { Status: { } s } && s.ObservedGeneration >= live.Metadata.Generation && (s.UpdatedReplicas ?? 0) >= wanted ? s.ReadyReplicas ?? 0 : 0;
        var pods = caches.Pods.OwnedBy(ns, rag.Metadata.Name);
        return seen with
        {
            WorkloadCreated = true,
            DeploymentName = deployment.Metadata.Name,
            DesiredReplicas = wanted,
            ReadyReplicas = ready,
            PodProblem = ready >= wanted ? null : PodHealth.Diagnose(pods.Where(p => !PodHealth.IsReady(p))),
        };
    }

    protected override async Task<ReconcileResult> FinalizeAsync(RAGEngine rag, CancellationToken ct)
    {
        await WriteStatusAsync(rag, new RAGEngineObservation { Deleting = true }, ct);
        var claims = OwnClaims(rag);
        foreach (var claim in claims.Where(c => c.Metadata.DeletionTimestamp is null))
        {
            if (await Writes.DeleteNodeClaimAsync(claim.Metadata.Name, ct))
                await Events.NormalAsync(rag, "NodeClaimDeleted", $"deleted NodeClaim {claim.Metadata.Name}", ct);
        }
        if (claims.Count > 0) return ReconcileResult.After(TimeSpan.FromSeconds(2));   // released once they are gone
        // Namespaced children carry an owner reference: the garbage collector removes them with the RAGEngine.
        await ReleaseFinalizerAsync(rag, ct);
        LogReleased(logger, rag.Metadata.NamespaceProperty, rag.Metadata.Name);
        return ReconcileResult.Done;
    }

    protected override object? FailedStatus(RAGEngine rag, StepFailure failure, string message, DateTime now)
    {
        var next = RAGEngineStatusBuilder.Failed(rag, failure.Condition, failure.Reason, message, now);
        return RAGEngineStatusBuilder.Changed(rag.Status, next) ? next : null;
    }

    async Task WriteStatusAsync(RAGEngine rag, RAGEngineObservation seen, CancellationToken ct)
    {
        var next = RAGEngineStatusBuilder.Build(rag, seen, Clock.GetUtcNow().UtcDateTime);
        if (!RAGEngineStatusBuilder.Changed(rag.Status, next)) return;
        var status = JsonNode.Parse(KubernetesJson.Serialize(next))!.AsObject();
        if (next.WorkerNodes is null) status["workerNodes"] = null;   // merge patch: null removes a stale list
        await Writes.PatchStatusAsync(rag, status, ct);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "ragengine {Namespace}/{Name}: NodeClaims gone, finalizer released")]
    static partial void LogReleased(ILogger logger, string @namespace, string name);
}

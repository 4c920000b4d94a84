using System.Globalization;
using k8s.Models;
using Kaito.Api.V1Beta1;
using Kaito.Reconcilers.Workspaces;
using Kaito.Reconcilers.Shared;

namespace Kaito.Reconcilers.RAGEngines;

/// <summary>
/// A RAGEngine's status from an observation: NodeClaimReady (only when it provisions a GPU node), ResourceReady,
/// ServiceReady and RAGEngineSucceeded, each with a reason. Pure; written only when it changed.
/// </summary>
public static class RAGEngineStatusBuilder
{
    public static RAGEngineStatus Build(RAGEngine rag, RAGEngineObservation seen, DateTime now)
    {
        var old = rag.Status;
        var generation = rag.Metadata.Generation;
        var desired = new List<V1Condition>();
        var remove = new List<string> { ConditionTypes.RAGEngineServiceReady };
        if (seen.Deleting)
        {
            desired.Add(StatusConditions.Make(ConditionTypes.RAGEngineDeleting, true, "RAGEngineDeleting", "the RAGEngine is being deleted; releasing its nodes", generation));
            return new RAGEngineStatus { Conditions = StatusConditions.Merge(old?.Conditions, desired, now, remove), WorkerNodes = old?.WorkerNodes };
        }

        if (seen.NodeClaimExpected)
            desired.Add(seen.NodeClaimReady
                ? StatusConditions.Make(ConditionTypes.NodeClaimReady, true, "NodeClaimReady", "the GPU NodeClaim is ready", generation)
                : StatusConditions.Make(ConditionTypes.NodeClaimReady, false, seen.ResourceProblem?.Reason ?? "NodeClaimNotReady",
                    seen.ResourceProblem?.Message ?? "waiting for the GPU NodeClaim", generation));
        else
            remove.Add(ConditionTypes.NodeClaimReady);

        var resourceReady = seen.ResourceProblem is null;
        var resource = resourceReady
            ? StatusConditions.Make(ConditionTypes.ResourceReady, true, seen.NeedsGpuNode ? "GpuNodeReady" : "NoGpuNodeNeeded",
                seen.NeedsGpuNode ? $"GPU node {string.Join(", ", seen.WorkerNodes)} is ready" : "the embedding runs remotely or on CPU: no GPU node is needed", generation)
            : StatusConditions.Make(ConditionTypes.ResourceReady, false, seen.ResourceProblem!.Value.Reason, seen.ResourceProblem.Value.Message, generation);
        desired.Add(resource);

        var ready = resourceReady && seen.WorkloadCreated && seen.ReadyReplicas >= seen.DesiredReplicas;
        V1Condition service;
        if (ready)
            service = StatusConditions.Make(ConditionTypes.ServiceReady, true, "ServiceReady",
                string.Create(CultureInfo.InvariantCulture, $"Deployment {seen.DeploymentName} has {seen.ReadyReplicas}/{seen.DesiredReplicas} ready pod(s); Service {rag.Metadata.Name} serves port 80"), generation);
        else if (!resourceReady)
            service = StatusConditions.Make(ConditionTypes.ServiceReady, false, "WaitingForResource", "waiting for the node the service runs on", generation);
        else if (seen.PodProblem is { } problem)
            service = StatusConditions.Make(ConditionTypes.ServiceReady, false, problem.Reason, problem.Message, generation);
        else
            service = StatusConditions.Make(ConditionTypes.ServiceReady, false, "ServicePending",
                string.Create(CultureInfo.InvariantCulture, $"Deployment {seen.DeploymentName ?? rag.Metadata.Name} is rolling out ({seen.ReadyReplicas}/{seen.DesiredReplicas} ready)"), generation);
        desired.Add(service);
        desired.Add(ready
            ? StatusConditions.Make(ConditionTypes.RAGEngineSucceeded, true, "RAGEngineSucceeded", "the RAG service is ready", generation)
            : StatusConditions.Make(ConditionTypes.RAGEngineSucceeded, false, resourceReady ? service.Reason : resource.Reason,
                resourceReady ? service.Message : resource.Message, generation));

        return new RAGEngineStatus
        {
            Conditions = StatusConditions.Merge(old?.Conditions, desired, now, remove),
            WorkerNodes = seen.WorkerNodes.Count > 0 ? [.. seen.WorkerNodes.Order(StringComparer.Ordinal)] : null,
        };
    }

    /// <summary>The status with one step's failure: <paramref name="condition"/> and RAGEngineSucceeded False; the rest as it was.</summary>
    public static RAGEngineStatus Failed(RAGEngine rag, string condition, string reason, string message, DateTime now)
    {
        var generation = rag.Metadata.Generation;
        List<V1Condition> desired =
        [
            StatusConditions.Make(condition, false, reason, message, generation),
            StatusConditions.Make(ConditionTypes.RAGEngineSucceeded, false, reason, message, generation),
        ];
        return new RAGEngineStatus { Conditions = StatusConditions.Merge(rag.Status?.Conditions, desired, now, []), WorkerNodes = rag.Status?.WorkerNodes };
    }

    /// <summary>True when writing <paramref name="next"/> would change what is stored.</summary>
    public static bool Changed(RAGEngineStatus? current, RAGEngineStatus next) =>
        current is null
        || !(current.WorkerNodes ?? []).SequenceEqual(next.WorkerNodes ?? [])
        || !StatusConditions.Equivalent(current.Conditions, next.Conditions);
}

using System.Globalization;
using k8s.Models;
using Kaito.Api.V1Beta1;
using Kaito.Reconcilers.Shared;

namespace Kaito.Reconcilers.Workspaces;

/// <summary>Computes a Workspace's status from an observation. Pure; the reconciler writes it only when it changed.</summary>
public static class WorkspaceStatusBuilder
{
    public static WorkspaceStatus Build(Workspace workspace, WorkspaceObservation seen, DateTime now)
    {
        var old = workspace.Status;
        var generation = workspace.Metadata.Generation;
        var desired = new List<V1Condition>();
        var remove = new List<string>();
        string? state = old?.State;

        if (seen.Deleting)
        {
            desired.Add(StatusConditions.Make(ConditionTypes.WorkspaceDeleting, true, "WorkspaceDeleting", "workspace is being deleted; releasing its GPU nodes", generation));
            return With(old, desired, remove, state, seen, now);
        }

        var resourceReady = Resource(seen, generation, desired, remove);
        if (workspace.Tuning is not null) state = Tuning(seen, resourceReady, generation, desired);
        else state = Inference(seen, resourceReady, generation, desired, old?.State);
        return With(old, desired, remove, state, seen, now);
    }

    static bool Resource(WorkspaceObservation seen, long? generation, List<V1Condition> desired, List<string> remove)
    {
        var target = seen.TargetNodes;
        if (seen.PlanProblem is { } plan)
        {
            desired.Add(StatusConditions.Make(ConditionTypes.ResourceReady, false, plan.Reason, plan.Message, generation));
            return false;
        }

        V1Condition? claims = null;
        if (seen.NodeAutoProvisioning)
        {
            var claimTarget = seen.NodeClaimTarget ?? target;
            claims = seen.ReadyNodeClaims >= claimTarget
                ? StatusConditions.Make(ConditionTypes.NodeClaimReady, true, "NodeClaimsReady", claimTarget < target
                    ? $"{seen.ReadyNodeClaims}/{claimTarget} NodeClaims are ready; {target - claimTarget} preferred node(s) of yours are used"
                    : $"{seen.ReadyNodeClaims}/{claimTarget} NodeClaims are ready", generation)
                : StatusConditions.Make(ConditionTypes.NodeClaimReady, false, seen.NodeClaimProblem?.Reason ?? "NodeClaimNotReady",
                    seen.NodeClaimProblem?.Message ?? $"{seen.ReadyNodeClaims}/{claimTarget} NodeClaims are ready", generation);
            desired.Add(claims);
        }
        else
        {
            remove.Add(ConditionTypes.NodeClaimReady);
        }

        var nodes = seen.ReadyNodes >= target
            ? StatusConditions.Make(ConditionTypes.NodesReady, true, "NodesReady", $"{seen.ReadyNodes}/{target} GPU nodes are ready", generation)
            : StatusConditions.Make(ConditionTypes.NodesReady, false, "NodeNotReady", $"{seen.ReadyNodes}/{target} GPU nodes are ready", generation);
        desired.Add(nodes);

        var failing = claims is { Status: "False" } ? claims : nodes.Status == "False" ? nodes : null;
        desired.Add(failing is null
            ? StatusConditions.Make(ConditionTypes.ResourceReady, true, "ResourceReady", "GPU nodes are ready", generation)
            : StatusConditions.Make(ConditionTypes.ResourceReady, false, failing.Reason, failing.Message, generation));
        return failing is null;
    }

    static string Inference(WorkspaceObservation seen, bool resourceReady, long? generation, List<V1Condition> desired, string? oldState)
    {
        var ready = resourceReady && seen.WorkloadCreated && seen.DesiredReplicas > 0 && seen.ReadyReplicas >= seen.DesiredReplicas;
        V1Condition inference;
        if (ready)
            inference = StatusConditions.Make(ConditionTypes.InferenceReady, true, "InferenceReady",
                string.Create(CultureInfo.InvariantCulture, $"inference service is ready ({seen.ReadyReplicas}/{seen.DesiredReplicas} pods)"), generation);
        else if (seen.PodProblem is { } problem)
            inference = StatusConditions.Make(ConditionTypes.InferenceReady, false, problem.Reason, problem.Message, generation);
        else if (!resourceReady)
            inference = StatusConditions.Make(ConditionTypes.InferenceReady, false, "WaitingForResources", "waiting for GPU nodes before deploying the model", generation);
        else
            inference = StatusConditions.Make(ConditionTypes.InferenceReady, false, "InferencePending",
                string.Create(CultureInfo.InvariantCulture, $"inference workload is starting ({seen.ReadyReplicas}/{Math.Max(seen.DesiredReplicas, 1)} pods ready)"), generation);
        desired.Add(inference);
        desired.Add(ready
            ? StatusConditions.Make(ConditionTypes.WorkspaceSucceeded, true, "WorkspaceSucceeded", "the model is being served", generation)
            : StatusConditions.Make(ConditionTypes.WorkspaceSucceeded, false, "WorkspacePending", inference.Message, generation));
        if (ready) return WorkspaceStates.Ready;
        return oldState is WorkspaceStates.Ready or WorkspaceStates.NotReady ? WorkspaceStates.NotReady : WorkspaceStates.Pending;
    }

    static string Tuning(WorkspaceObservation seen, bool resourceReady, long? generation, List<V1Condition> desired)
    {
        var job = seen.Job;
        if (job?.Failed > 0)
        {
            var why = seen.PodProblem is { } failure ? $"the tuning job failed: {failure.Message}" : "the tuning job failed; see the job's pod logs";
            desired.Add(StatusConditions.Make(ConditionTypes.JobStarted, false, "TuningJobFailed", why, generation));
            desired.Add(StatusConditions.Make(ConditionTypes.WorkspaceSucceeded, false, "TuningJobFailed", why, generation));
            return WorkspaceStates.Failed;
        }
        var started = job is not null && (job.Succeeded > 0 || job.Active > 0);
        desired.Add(started
            ? StatusConditions.Make(ConditionTypes.JobStarted, true, "TuningJobStarted", "the tuning job has started", generation)
            : StatusConditions.Make(ConditionTypes.JobStarted, false, "TuningJobPending",
                resourceReady ? "the tuning job has not started yet" : "waiting for GPU nodes before starting the tuning job", generation));
        if (job?.Succeeded > 0)
        {
            desired.Add(StatusConditions.Make(ConditionTypes.WorkspaceSucceeded, true, "TuningJobSucceeded", "the tuning job finished and the adapter was published", generation));
            return WorkspaceStates.Succeeded;
        }
        // A pod that cannot pull an image or start a container leaves the Job active: say why, with the pod.
        desired.Add(seen.PodProblem is { } problem
            ? StatusConditions.Make(ConditionTypes.WorkspaceSucceeded, false, problem.Reason, problem.Message, generation)
            : StatusConditions.Make(ConditionTypes.WorkspaceSucceeded, false, "WorkspacePending",
                started ? "the tuning job is running" : "the tuning job has not started", generation));
        return started ? WorkspaceStates.Running : WorkspaceStates.Pending;
    }

    static WorkspaceStatus With(WorkspaceStatus? old, List<V1Condition> desired, List<string> remove, string? state, WorkspaceObservation seen, DateTime now) => new()
    {
        Conditions = StatusConditions.Merge(old?.Conditions, desired, now, remove),
        State = state,
        WorkerNodes = seen.Deleting ? old?.WorkerNodes : [.. seen.WorkerNodes.Order(StringComparer.Ordinal)],
        TargetNodeCount = seen.Deleting ? old?.TargetNodeCount : seen.TargetNodes,
        Performance = old?.Performance,
    };

    /// <summary>
    /// The status with one step's failure: <paramref name="condition"/> and WorkspaceSucceeded False with the reason and
    /// the API server's message; everything else as it was. The next successful pass recomputes them.
    /// </summary>
    public static WorkspaceStatus Failed(Workspace workspace, string condition, string reason, string message, DateTime now)
    {
        var old = workspace.Status;
        var generation = workspace.Metadata.Generation;
        List<V1Condition> desired =
        [
            StatusConditions.Make(condition, false, reason, message, generation),
            StatusConditions.Make(ConditionTypes.WorkspaceSucceeded, false, reason, message, generation),
        ];
        return new WorkspaceStatus
        {
            Conditions = StatusConditions.Merge(old?.Conditions, desired, now, []),
            State = old?.State ?? WorkspaceStates.Pending,
            WorkerNodes = old?.WorkerNodes,
            TargetNodeCount = old?.TargetNodeCount,
            Performance = old?.Performance,
        };
    }

    /// <summary>True when writing <paramref name="next"/> would change what is stored.</summary>
    public static bool Changed(WorkspaceStatus? current, WorkspaceStatus next) =>
        current is null
        || current.State != next.State
        || current.TargetNodeCount != next.TargetNodeCount
        || !(current.WorkerNodes ?? []).SequenceEqual(next.WorkerNodes ?? [])
        || !StatusConditions.Equivalent(current.Conditions, next.Conditions);
}

using k8s.Models;
using Kaito.Reconcilers.Shared;

namespace Kaito.Reconcilers.Workspaces;

/// <summary>What the reconciler saw of a Workspace's world in one pass; the input of status computation.</summary>
public sealed record WorkspaceObservation
{
    public bool Deleting { get; init; }
    public bool NodeAutoProvisioning { get; init; } = true;
    public int TargetNodes { get; init; } = 1;

    /// <summary>Set when the model/shape plan failed (no fit, no nodes); the workload is not created.</summary>
    public (string Reason, string Message)? PlanProblem { get; init; }

    /// <summary>NodeClaims needed: the target minus ready preferredNodes the user brought; null means all of TargetNodes.</summary>
    public int? NodeClaimTarget { get; init; }
    public int ReadyNodeClaims { get; init; }
    public (string Reason, string Message)? NodeClaimProblem { get; init; }
    public int ReadyNodes { get; init; }
    public IReadOnlyList<string> WorkerNodes { get; init; } = [];

    public bool WorkloadCreated { get; init; }
    public int DesiredReplicas { get; init; }
    public int ReadyReplicas { get; init; }
    public PodProblem? PodProblem { get; init; }

    public V1JobStatus? Job { get; init; }
}

using Kaito.Reconcilers.Workspaces;
using Kaito.Reconcilers.Shared;

namespace Kaito.Reconcilers.RAGEngines;

/// <summary>What one reconcile saw of a RAGEngine's world; the input of its status.</summary>
public sealed record RAGEngineObservation
{
    public bool Deleting { get; init; }
    public bool NodeClaimExpected { get; init; }
    public bool NeedsGpuNode { get; init; }
    public bool NodeClaimReady { get; init; }
    public (string Reason, string Message)? ResourceProblem { get; init; }
    public IReadOnlyList<string> WorkerNodes { get; init; } = [];

    public bool WorkloadCreated { get; init; }
    public string? DeploymentName { get; init; }
    public int ReadyReplicas { get; init; }
    public int DesiredReplicas { get; init; } = 1;
    public PodProblem? PodProblem { get; init; }
}

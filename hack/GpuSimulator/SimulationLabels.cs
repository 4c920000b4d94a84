namespace Kaito.GpuSimulator;

/// <summary>Labels and annotations through which tests steer the simulation.</summary>
public static class SimulationLabels
{
    /// <summary>On a Node: the simulated kubelet runs it (heartbeats, pod status).</summary>
    public const string Simulated = "simulation.kaito.sh/node";

    /// <summary>
    /// On a Workspace (read through the pods' kaito.sh/workspace label): make its pods fail with
    /// CrashLoopBackOff, OOMKilled or ImagePullBackOff instead of becoming ready.
    /// </summary>
    public const string PodFailure = "simulation.kaito.sh/pod-failure";

    /// <summary>On a Workspace: seconds a Job pod runs before it succeeds (default 3).</summary>
    public const string JobSeconds = "simulation.kaito.sh/job-seconds";

    /// <summary>Karpenter's finalizer: the NodeClaim goes away only after its Node did.</summary>
    public const string TerminationFinalizer = "karpenter.sh/termination";

    /// <summary>
    /// On a Node you create yourself (with <see cref="Simulated"/>): the SKU whose GPUs it should report, standing in for
    /// "existing GPU nodes" (preferredNodes, bring-your-own). The simulator adds the kubelet's labels and capacity.
    /// </summary>
    public const string GpuSku = "simulation.kaito.sh/gpu-sku";

    /// <summary>
    /// On a simulated Node: the simulator leaves its conditions alone (its Lease is still renewed), so a test or benchmark
    /// can mark it NotReady and back and watch what follows.
    /// </summary>
    public const string HoldStatus = "simulation.kaito.sh/hold-status";

    /// <summary>
    /// On a real Node (one with a kubelet, not <see cref="Simulated"/>), value "true": the simulator hands it to a NodeClaim of the
    /// instance type the node's node.kubernetes.io/instance-type label names, instead of simulating a node for that claim, so
    /// the claim's pods run in real containers. One claim at a time; when the claim goes, the node is given back, not deleted.
    /// </summary>
    public const string OfferToNodeClaims = "simulation.kaito.sh/offer-to-nodeclaims";

    /// <summary>On an offered real Node: the NodeClaim it serves now (written by the simulator).</summary>
    public const string ClaimedBy = "simulation.kaito.sh/claimed-by";

    /// <summary>On an offered real Node: the label keys the simulator added from the claim (comma-separated), removed when it is given back.</summary>
    public const string ClaimLabels = "simulation.kaito.sh/claim-labels";
}

using k8s.Models;
using Kaito.Api.Karpenter;

namespace Kaito.Reconcilers.Runtime;

/// <summary>
/// What the reconcilers read of each cached child is its metadata (labels, owner, applied hash, generation) and
/// status; the desired spec is always rebuilt, never read back. Dropping the rest keeps a cache of hundreds of
/// Workspaces small. A reader that starts needing a field must keep it here.
/// </summary>
public static class CacheTrims
{
    public static void Deployment(V1Deployment d) => d.Spec = null;

    public static void StatefulSet(V1StatefulSet s) => s.Spec = null;

    public static void Service(V1Service s) => s.Spec = null;

    public static void Job(V1Job j) => j.Spec = null;

    public static void ConfigMap(V1ConfigMap c)
    {
        c.Data = null;
        c.BinaryData = null;
    }

    public static void NodeClaim(NodeClaim c) => c.Spec = null;

    /// <summary>An InferenceSet's Workspaces: their labels, template hash and status say all the set needs.</summary>
    public static void Workspace(Kaito.Api.V1Beta1.Workspace w)
    {
        w.Resource = null;
        w.Inference = null;
        w.Tuning = null;
    }

    /// <summary>Pods: status and the node they run on.</summary>
    public static void Pod(V1Pod p) => p.Spec = p.Spec is null ? null : new V1PodSpec { NodeName = p.Spec.NodeName, Containers = [] };

    /// <summary>Nodes: labels, conditions, capacity, allocatable and schedulability; not the image list or system info.</summary>
    public static void Node(V1Node n)
    {
        if (n.Status is { } status)
            n.Status = new V1NodeStatus { Conditions = status.Conditions, Capacity = status.Capacity, Allocatable = status.Allocatable, Phase = status.Phase };
        if (n.Spec is { } spec) n.Spec = new V1NodeSpec { Unschedulable = spec.Unschedulable, Taints = spec.Taints };
    }
}

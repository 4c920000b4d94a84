using System.Globalization;
using k8s.Models;
using Kaito.Api.V1Beta1;
using Kaito.Presets;
using Kaito.Reconcilers.Manifests;
using Kaito.Reconcilers.Shared;

namespace Kaito.Reconcilers.Workspaces;

/// <summary>The node count and workload shape for a Workspace, or why there is none.</summary>
/// <param name="ProvisionFirst">No workload yet, but <paramref name="TargetNodes"/> nodes are provisioned: an unlisted GPU size's
/// shape is read from its first node.</param>
public sealed record WorkspacePlan(WorkloadPlan? Workload, int TargetNodes, (string Reason, string Message)? Problem, bool ProvisionFirst = false);

/// <summary>
/// Turns a Workspace into a plan with src/Presets: the instance type's GPU shape under node auto-provisioning (the
/// catalog's, the declared one, or its first node's for an unlisted size), or the shape of the matching nodes when users
/// bring their own. Pure.
/// </summary>
public static class WorkspacePlanner
{
    /// <param name="candidateNodes">Bring your own nodes: the nodes the selector matches. Auto-provisioning: the nodes of the
    /// Workspace's own ready NodeClaims (where an unlisted instance type's GPUs are read).</param>
    /// <param name="hubModel">The preset name's Hugging Face model, sized from its metadata, when it is no catalog preset.</param>
    public static WorkspacePlan Plan(Workspace workspace, ReconcilerSettings settings, IReadOnlyList<V1Node> candidateNodes, ModelPreset? hubModel = null)
    {
        var model = WorkspaceSemantics.Model(workspace) ?? hubModel;
        var runtime = WorkspaceSemantics.Runtime(workspace, settings.VllmGate);

        GpuShape? shape;
        if (settings.NodeAutoProvisioning)
        {
            var instanceType = workspace.Resource?.InstanceType ?? "";
            var firstNode = candidateNodes.Where(NodeReadiness.IsReadyGpuNode).OrderBy(n => n.Metadata.Name, StringComparer.Ordinal).FirstOrDefault();
            var resolved = WorkspaceSemantics.ShapeOf(settings.Cloud, instanceType, workspace.Metadata.Annotations, firstNode);
            if (resolved.Pending)
            {
                var count = Math.Max(1, workspace.Resource?.Count ?? 1);
                var wait = resolved.NodeNote is { } note ? $"waiting for its node to report its GPUs: {note}" : $"provisioning {count} node(s) to read its GPUs from their NVIDIA labels";
                return new WorkspacePlan(null, count, ("WaitingForNodeGpus",
                    $"instance type \"{instanceType}\" is not in the {settings.Cloud} GPU catalog; {wait} (or declare them with annotation {Annotations.SkuGpus}: \"{DeclaredGpus.Example}\")"), ProvisionFirst: true);
            }
            if (resolved.Shape is null)
                return Problem("InstanceTypeUnknown", resolved.AnnotationError is { } annotationError
                    ? $"instance type \"{instanceType}\": {Annotations.SkuGpus} {annotationError}"
                    : $"instance type \"{instanceType}\" is not in the {settings.Cloud} GPU catalog and is no GPU size ({InstanceTypes.GpuSizeRule(settings.Cloud)})");
            shape = resolved.Shape;
        }
        else
        {
            var ready = candidateNodes.Where(NodeReadiness.IsReadyGpuNode).OrderBy(n => n.Metadata.Name, StringComparer.Ordinal).ToList();
            if (ready.Count == 0) return Problem("NoMatchingNodes", "no ready GPU node matches resource.labelSelector");
            var read = WorkspaceSemantics.NodeShape(ready[0]);
            if (read.Shape is null) return Problem("NodeGpuUnknown", read.Error!);
            shape = read.Shape;
        }

        if (model is null)
        {
            // A custom pod template: one pod per node, all of the node's GPUs.
            var count = Math.Max(1, workspace.Resource?.Count ?? 1);
            return new WorkspacePlan(new WorkloadPlan(null, runtime, count, shape.GpuCount, null, shape.SupportsBfloat16 ? "bfloat16" : "float16", []), count, null);
        }

        var plan = CapacityPlanner.Plan(new PlanRequest(model, shape, runtime, WorkspaceSemantics.TuningMethod(workspace)));
        if (!plan.Fits && !WorkspaceSemantics.BypassesResourceChecks(workspace.Metadata.Annotations)) return Problem("ModelDoesNotFit", plan.Reason ?? "the model does not fit");
        var nodes = plan.Fits ? plan.Nodes : Math.Max(1, workspace.Resource?.Count ?? 1);
        return new WorkspacePlan(new WorkloadPlan(model, plan.Runtime, nodes, shape.GpuCount, plan.MaxModelLen, plan.Dtype, [], Image: settings.Images.For(workspace, model)), nodes, null);
    }

    static WorkspacePlan Problem(string reason, string message) => new(null, 1, (reason, message));
}

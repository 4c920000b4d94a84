using System.Globalization;
using k8s.Models;
using Kaito.Api.V1Beta1;
using Kaito.Presets;
using Kaito.Reconcilers.Manifests;

namespace Kaito.Reconcilers.Workspaces;

/// <summary>The node count and workload shape for a Workspace, or why there is none.</summary>
public sealed record WorkspacePlan(WorkloadPlan? Workload, int TargetNodes, (string Reason, string Message)? Problem);

/// <summary>
/// Turns a Workspace into a plan with src/Presets: the SKU's GPU shape under node auto-provisioning,
/// or the shape of the matching nodes when users bring their own. Pure.
/// </summary>
public static class WorkspacePlanner
{
    public static WorkspacePlan Plan(Workspace workspace, ReconcilerSettings settings, IReadOnlyList<V1Node> candidateNodes)
    {
        var presetName = workspace.Inference?.Preset?.Name ?? workspace.Tuning?.Preset?.Name;
        var model = presetName is null ? null : ModelCatalog.Default.Find(presetName);
        var runtime = Runtime(workspace, settings);

        GpuShape? shape;
        if (settings.NodeAutoProvisioning)
        {
            var instanceType = workspace.Resource?.InstanceType;
            var sku = string.IsNullOrEmpty(instanceType) ? null : SkuCatalog.Default.Find(settings.Cloud, instanceType);
            if (sku is null)
                return Problem("InstanceTypeUnknown", $"instance type \"{instanceType}\" is not in the {settings.Cloud} GPU catalog");
            shape = sku.Shape;
        }
        else
        {
            var ready = candidateNodes.Where(NodeReadiness.IsReadyGpuNode).OrderBy(n => n.Metadata.Name, StringComparer.Ordinal).ToList();
            if (ready.Count == 0) return Problem("NoMatchingNodes", "no ready GPU node matches resource.labelSelector");
            var read = Kaito.Presets.NodeGpuLabels.Read(ready[0].Metadata.Name, ready[0].Metadata.Labels?.AsReadOnly() ?? new Dictionary<string, string>().AsReadOnly(), NodeReadiness.AllocatableGpus(ready[0]));
            if (read.Shape is null) return Problem("NodeGpuUnknown", read.Error!);
            shape = read.Shape;
        }

        if (model is null)
        {
            // A custom pod template: one pod per node, all of the node's GPUs.
            var count = Math.Max(1, workspace.Resource?.Count ?? 1);
            return new WorkspacePlan(new WorkloadPlan(null, runtime, count, shape.GpuCount, null, shape.SupportsBfloat16 ? "bfloat16" : "float16", []), count, null);
        }

        var tuning = workspace.Tuning?.Method?.ToLowerInvariant();
        var plan = CapacityPlanner.Plan(new PlanRequest(model, shape, workspace.Tuning is null ? runtime : PlanRuntimes.Transformers, workspace.Tuning is null ? null : tuning ?? "qlora"));
        if (!plan.Fits && !Bypass(workspace)) return Problem("ModelDoesNotFit", plan.Reason ?? "the model does not fit");
        var nodes = plan.Fits ? plan.Nodes : Math.Max(1, workspace.Resource?.Count ?? 1);
        return new WorkspacePlan(new WorkloadPlan(model, plan.Runtime, nodes, shape.GpuCount, plan.MaxModelLen, plan.Dtype, []), nodes, null);
    }

    public static string Runtime(Workspace workspace, ReconcilerSettings settings)
    {
        if (!settings.VllmGate) return PlanRuntimes.Transformers;
        return workspace.Metadata.Annotations?.TryGetValue(Annotations.Runtime, out var value) == true && value == Runtimes.Transformers
            ? PlanRuntimes.Transformers
            : PlanRuntimes.Vllm;
    }

    static bool Bypass(Workspace workspace) =>
        workspace.Metadata.Annotations?.TryGetValue(Annotations.BypassResourceChecks, out var value) == true
        && string.Equals(value, "true", StringComparison.Ordinal);

    static WorkspacePlan Problem(string reason, string message) => new(null, 1, (reason, message));

}

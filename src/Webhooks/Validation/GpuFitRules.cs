using System.Globalization;
using k8s.Models;
using Kaito.Api.V1Beta1;
using Kaito.Presets;

namespace Kaito.Webhooks.Validation;

/// <summary>Does the preset fit the GPUs: the SKU's under the gpu-provisioner, the selected nodes' when bringing your own.</summary>
public static class GpuFitRules
{
    const string InstanceTypePath = "resource.instanceType";
    const string SelectorPath = "resource.labelSelector";

    public static async Task ValidateAsync(
        Workspace workspace, ModelPreset model, string runtime, AdmissionSettings settings, IClusterLookup? cluster,
        FieldErrors errors, List<string> warnings, CancellationToken cancellationToken)
    {
        var resource = workspace.Resource;
        if (resource is null) return;
        var suggestFrom = SkuCatalog.Default.HasCloud(settings.Cloud) ? SkuCatalog.Default.For(settings.Cloud) : null;

        if (settings.AutoProvisioning)
        {
            if (string.IsNullOrWhiteSpace(resource.InstanceType) || suggestFrom is null) return;
            // The catalog's SKU or a declared unlisted one; anything else is reported (or warned about) by the instance type rule.
            if (WorkspaceSemantics.ShapeOf(settings.Cloud, resource.InstanceType, workspace.Metadata?.Annotations).Shape is not { } skuShape) return;
            var plan = CapacityPlanner.Plan(new PlanRequest(model, skuShape, runtime), suggestFrom, itemize: false);
            if (!plan.Fits) errors.Invalid(InstanceTypePath, resource.InstanceType, Explain(plan));
            return;
        }

        if (resource.LabelSelector is null || resource.Partition?.Mode == PartitionRules.Accelerator) return;
        if (cluster is null)
        {
            warnings.Add("GPU fit not checked: no cluster access to list the nodes matching resource.labelSelector");
            return;
        }
        IReadOnlyList<V1Node> nodes;
        try
        {
            nodes = await cluster.ListNodesAsync(resource.LabelSelector, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            errors.Invalid(SelectorPath, null, $"could not list the nodes this selector matches ({e.Message}); retry, or check the operator's RBAC");
            return;
        }
        if (nodes.Count == 0)
        {
            errors.Invalid(SelectorPath, Describe(resource.LabelSelector),
                "no node matches this selector; label your GPU nodes with it (kubectl label node <name> key=value) or change the selector");
            return;
        }

        GpuShape? first = null;
        string? firstNode = null;
        foreach (var node in nodes.OrderBy(n => n.Metadata?.Name, StringComparer.Ordinal))
        {
            var name = node.Metadata?.Name ?? "<unnamed>";
            var read = WorkspaceSemantics.NodeShape(node);
            if (read.Shape is null)
            {
                errors.Invalid(SelectorPath, Describe(resource.LabelSelector), read.Error + "; select only GPU nodes");
                return;
            }
            if (first is null)
            {
                (first, firstNode) = (read.Shape, name);
                continue;
            }
            if (!SameShape(first, read.Shape))
            {
                errors.Invalid(SelectorPath, Describe(resource.LabelSelector),
                    $"the selected nodes differ: {firstNode} has {Shape(first)}, {name} has {Shape(read.Shape)}; select nodes with identical GPUs");
                return;
            }
        }

        var shape = first!;
        if (resource.Partition is { Mode: PartitionRules.Mig } partition && PartitionRules.SliceMemoryGiB(partition.Profile) is { } sliceGiB)
            shape = new GpuShape(1, sliceGiB, shape.GpuModel, shape.ComputeCapability, $"MIG slice {partition.Profile} of {shape.Source}");
        var fit = CapacityPlanner.Plan(new PlanRequest(model, shape, runtime), suggestFrom, itemize: false);
        if (!fit.Fits)
        {
            errors.Invalid(SelectorPath, Describe(resource.LabelSelector), Explain(fit));
            return;
        }
        if (fit.Nodes > nodes.Count)
        {
            errors.Invalid(SelectorPath, Describe(resource.LabelSelector),
                $"{model.Name} needs {fit.Nodes} nodes like {firstNode} but the selector matches {nodes.Count}; add matching GPU nodes");
        }
    }

    static string Explain(CapacityPlan plan)
    {
        var reason = plan.Reason ?? "the model does not fit";
        return plan.Suggestions.Count == 0
            ? reason
            : $"{reason}; cheapest SKUs that fit: {string.Join(", ", plan.Suggestions.Select(s => s.Name))}";
    }

    static bool SameShape(GpuShape a, GpuShape b) =>
        a.GpuCount == b.GpuCount && Math.Abs(a.PerGpuMemoryGiB - b.PerGpuMemoryGiB) < 0.01 &&
        string.Equals(a.GpuModel, b.GpuModel, StringComparison.OrdinalIgnoreCase);

    static string Shape(GpuShape s) =>
        string.Create(CultureInfo.InvariantCulture, $"{s.GpuCount}x {s.GpuModel} ({Math.Round(s.PerGpuMemoryGiB, 1)} GiB each)");

    public static string Describe(V1LabelSelector? selector) => string.Join(",", LabelSelectorRules.Requirements(selector).Order(StringComparer.Ordinal));
}

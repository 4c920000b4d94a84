using System.Globalization;
using k8s.Models;
using Kaito.Api.V1Beta1;

namespace Kaito.Presets;

/// <summary>
/// What a Workspace means beyond its fields, decided once: the defaulter, the validator, the reconciler's planner, the
/// CLI and the tests all ask here, so admission and reconcile cannot disagree.
/// </summary>
public static class WorkspaceSemantics
{
    /// <summary>The default tuning method when none is given (admission rejects an empty one; this is for unchecked objects).</summary>
    public const string DefaultTuningMethod = "qlora";

    /// <summary>
    /// The runtime the workload runs: transformers when the vLLM feature gate is off, for tuning, when kaito.sh/runtime
    /// says so, or (without that annotation) when an adapter asks for a strength other than 1.0, which only transformers
    /// applies; vLLM otherwise. The defaulter writes the annotation in the adapter case, so the answer is the same before
    /// and after admission.
    /// </summary>
    public static string Runtime(IDictionary<string, string>? annotations, IEnumerable<string?> adapterStrengths, bool tuning, bool vllmEnabled)
    {
        if (!vllmEnabled || tuning) return Runtimes.Transformers;
        if (annotations?.TryGetValue(Annotations.Runtime, out var asked) == true)
            return asked == Runtimes.Transformers ? Runtimes.Transformers : Runtimes.Vllm;
        return PartialStrength(adapterStrengths) is null ? Runtimes.Vllm : Runtimes.Transformers;
    }

    public static string Runtime(Workspace workspace, bool vllmEnabled) =>
        Runtime(workspace.Metadata?.Annotations, AdapterStrengths(workspace), workspace.Tuning is not null, vllmEnabled);

    /// <summary>The first adapter strength other than 1.0 (absent means 1.0), or null.</summary>
    public static string? PartialStrength(IEnumerable<string?> strengths) =>
        strengths.FirstOrDefault(s => s is not null && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d != 1.0);

    public static IEnumerable<string?> AdapterStrengths(Workspace workspace) =>
        workspace.Inference?.Adapters is { Count: > 0 } adapters ? adapters.Select(a => a?.Strength) : [];

    /// <summary>Only the exact value "true" of kaito.sh/bypass-resource-checks skips the GPU fit check.</summary>
    public static bool BypassesResourceChecks(IDictionary<string, string>? annotations) =>
        annotations?.TryGetValue(Annotations.BypassResourceChecks, out var value) == true && value == "true";

    /// <summary>The preset named by inference or tuning, if any.</summary>
    public static string? PresetName(Workspace workspace) => workspace.Inference?.Preset?.Name ?? workspace.Tuning?.Preset?.Name;

    /// <summary>The catalog's model for the Workspace's preset; null for a custom template or an unknown name.</summary>
    public static ModelPreset? Model(Workspace workspace) => Model(PresetName(workspace));

    /// <summary>The catalog's model of that preset name (an InferenceSet template's, say); null when absent or unknown.</summary>
    public static ModelPreset? Model(string? presetName) => presetName is null ? null : ModelCatalog.Default.Find(presetName);

    /// <summary>The tuning method, lower-cased (null for inference).</summary>
    public static string? TuningMethod(Workspace workspace) => workspace.Tuning is null ? null : TuningMethod(workspace.Tuning.Method);

    public static string TuningMethod(string? method) => string.IsNullOrWhiteSpace(method) ? DefaultTuningMethod : method.Trim().ToLowerInvariant();

    /// <summary>The GPU shape of a bring-your-own node: the NVIDIA labels, and the allocatable nvidia.com/gpu as the count.</summary>
    public static NodeShapeResult NodeShape(V1Node node)
    {
        var labels = node.Metadata?.Labels is { } l ? new Dictionary<string, string>(l, StringComparer.Ordinal) : [];
        var allocatable = node.Status?.Allocatable is { } a && a.TryGetValue(NodeGpuLabels.GpuResource, out var quantity) && quantity is not null
            ? ((long)quantity.ToDecimal()).ToString(CultureInfo.InvariantCulture)
            : null;
        return NodeGpuLabels.Read(node.Metadata?.Name ?? "<unnamed>", labels, allocatable);
    }

    /// <summary>
    /// The GPU shape of the nodes provisioned as <paramref name="instanceType"/>: the catalog's SKU; else, for a name that
    /// looks like a GPU size of the cloud, the <c>kaito.sh/sku-gpus</c> annotation, else the NVIDIA labels of
    /// <paramref name="provisionedNode"/> (the first ready node made for it). Pending until one of them is known.
    /// </summary>
    public static InstanceTypeShape ShapeOf(string cloud, string instanceType, IDictionary<string, string>? annotations, V1Node? provisionedNode = null)
    {
        var kind = InstanceTypes.Classify(cloud, instanceType, out var sku);
        if (sku is not null) return new InstanceTypeShape(kind, sku.Shape, sku, null);
        if (kind == InstanceTypeKind.NotGpu) return new InstanceTypeShape(kind, null, null, null);
        var (declared, error) = DeclaredGpus.Read(annotations, instanceType);
        if (error is not null) return new InstanceTypeShape(kind, null, null, error);
        if (declared is not null) return new InstanceTypeShape(kind, declared, null, null);
        if (provisionedNode is null) return new InstanceTypeShape(kind, null, null, null);
        var read = NodeShape(provisionedNode);
        return new InstanceTypeShape(kind, read.Shape, null, null, read.Error);
    }

    /// <summary>
    /// The OS disk of a Workspace's GPU node: the inference preset's weights plus 80 GiB, at least 100 GiB; 1024 GiB for
    /// tuning and custom templates (the data and the image are unknown). <paramref name="model"/> is the preset's model when
    /// the caller resolved it beyond the catalog (a Hugging Face model sized from its metadata).
    /// </summary>
    public static string NodeStorage(Workspace workspace, ModelPreset? model = null)
    {
        if (workspace.Inference?.Preset is null || (model ?? Model(workspace)) is not { } sized) return "1024Gi";
        model = sized;
        var gib = Math.Max((int)Math.Ceiling(model.WeightsGiB) + 80, 100);
        return gib.ToString(CultureInfo.InvariantCulture) + "Gi";
    }
}

/// <summary>
/// An instance type's GPU shape as <see cref="WorkspaceSemantics.ShapeOf"/> found it. <see cref="Pending"/>: an unlisted GPU size
/// whose first node has not reported its GPUs yet (<paramref name="NodeNote"/> says why, once the node exists).
/// <paramref name="AnnotationError"/>: what is wrong with the kaito.sh/sku-gpus value of an unlisted GPU size.
/// </summary>
public sealed record InstanceTypeShape(InstanceTypeKind Kind, GpuShape? Shape, GpuSku? Sku, string? AnnotationError, string? NodeNote = null)
{
    public bool Pending => Kind == InstanceTypeKind.UnlistedGpu && Shape is null && AnnotationError is null;
}

using Kaito.Api.V1Beta1;
using Kaito.Presets;

namespace Kaito.Webhooks.Validation;

/// <summary>instanceType (and the kaito.sh/sku-gpus annotation that describes an unlisted one) against the provisioning mode and the SKU catalog.</summary>
public static class ResourceRules
{
    static readonly string DeclaredPath = AnnotationRules.PathOf(Annotations.SkuGpus);

    /// <param name="warnings">Where the note about an unlisted GPU size goes; null where the caller reports it elsewhere (updates, a set's template).</param>
    public static void ValidateInstanceType(
        string? instanceType, string path, AdmissionSettings settings, FieldErrors errors,
        List<string>? warnings = null, IDictionary<string, string>? annotations = null)
    {
        var declared = annotations?.TryGetValue(Annotations.SkuGpus, out var value) == true ? value : null;
        if (settings.Provisioning == NodeProvisioning.BringYourOwn)
        {
            if (!string.IsNullOrEmpty(instanceType))
                errors.Forbidden(path, "nodes are not provisioned (bring your own nodes); remove instanceType and select your GPU nodes with labelSelector");
            if (declared is not null)
                errors.Forbidden(DeclaredPath, "nodes are not provisioned (bring your own nodes): their GPUs are read from their NVIDIA labels; remove the annotation");
            return;
        }
        if (string.IsNullOrWhiteSpace(instanceType))
        {
            errors.Required(path, $"set the GPU VM size to provision, for example {FirstSku(settings.Cloud)}; `kubectl kaito skus list --cloud {settings.Cloud}` lists them");
            return;
        }
        if (!SkuCatalog.Default.HasCloud(settings.Cloud))
        {
            errors.Invalid(path, instanceType, $"the operator's cloud \"{settings.Cloud}\" has no SKU catalog (known: {string.Join(", ", SkuCatalog.Default.Clouds)}); fix the operator setting");
            return;
        }

        // Only for the messages that name them: ranking every SKU by edit distance is most of a valid review's work.
        string Closest() => string.Join(", ", SkuCatalog.Default.Closest(settings.Cloud, instanceType));
        var resolved = WorkspaceSemantics.ShapeOf(settings.Cloud, instanceType, annotations);
        switch (resolved.Kind)
        {
            case InstanceTypeKind.Listed when declared is not null:
                errors.Forbidden(DeclaredPath, $"the catalog knows {resolved.Sku!.Name} ({Describe(resolved.Sku.Shape)}); remove the annotation");
                break;
            case InstanceTypeKind.NotGpu:
                errors.NotSupported(path, instanceType,
                    $"not a GPU SKU known for {settings.Cloud}, nor named like one ({InstanceTypes.GpuSizeRule(settings.Cloud)}); closest: {Closest()} " +
                    $"(all: `kubectl kaito skus list --cloud {settings.Cloud}`)");
                if (declared is not null) errors.Forbidden(DeclaredPath, "describes an unlisted GPU size, and the instance type is none; fix resource.instanceType");
                break;
            case InstanceTypeKind.UnlistedGpu when resolved.AnnotationError is { } problem:
                errors.Invalid(DeclaredPath, declared, problem);
                break;
            case InstanceTypeKind.UnlistedGpu when declared is not null:
                break;
            case InstanceTypeKind.UnlistedGpu when InstanceTypes.LikelyTypoOf(settings.Cloud, instanceType) is { } meant:
                errors.NotSupported(path, instanceType,
                    $"not a GPU SKU known for {settings.Cloud}; did you mean {meant}? If {instanceType} is a GPU size the catalog does not list yet, " +
                    $"declare its GPUs with annotation {Annotations.SkuGpus}: \"{DeclaredGpus.Example}\" ({DeclaredGpus.Format})");
                break;
            case InstanceTypeKind.UnlistedGpu:
                warnings?.Add(
                    $"{path} {instanceType} is not in the {settings.Cloud} GPU catalog: the GPU fit check was skipped, and the operator plans from the " +
                    $"NVIDIA labels of its first node. To check now, declare its GPUs with annotation " +
                    $"{Annotations.SkuGpus}: \"{DeclaredGpus.Example}\" ({DeclaredGpus.Format}); the closest listed: {Closest()}");
                break;
        }
    }

    static string Describe(GpuShape shape) => $"{shape.GpuCount}x{shape.PerGpuMemoryGiB:0.#}Gi/{shape.GpuModel.Replace(' ', '-')}";

    static string FirstSku(string cloud) =>
        SkuCatalog.Default.HasCloud(cloud) && SkuCatalog.Default.For(cloud).Count > 0 ? SkuCatalog.Default.For(cloud)[0].Name : "Standard_NC24ads_A100_v4";
}

using Kaito.Api.V1Beta1;

namespace Kaito.Webhooks.Validation;

/// <summary>The kaito.sh/* annotations a Workspace may carry; checked on create and update.</summary>
public static class AnnotationRules
{
    public static readonly IReadOnlyList<string> BooleanValues = ["true", "false"];
    public static readonly IReadOnlyList<string> NodeImageFamilies = ["ubuntu", "azurelinux"];
    public static readonly IReadOnlyList<string> PerformanceModes = ["balanced", "interactivity", "throughput"];

    public static string PathOf(string key) => $"metadata.annotations[{key}]";

    public static void Validate(IDictionary<string, string>? annotations, FeatureGates gates, FieldErrors errors)
    {
        if (annotations is null) return;
        if (annotations.TryGetValue(Annotations.Runtime, out var runtime))
        {
            if (!Runtimes.All.Contains(runtime, StringComparer.Ordinal)) errors.NotSupported(PathOf(Annotations.Runtime), runtime, Runtimes.All);
            else if (runtime == Runtimes.Vllm && !gates.Vllm)
                errors.Forbidden(PathOf(Annotations.Runtime), "the vLLM runtime is disabled (feature gate vLLM=false); set kaito.sh/runtime: transformers or remove the annotation");
        }
        if (annotations.TryGetValue(Annotations.BypassResourceChecks, out var bypass) && !BooleanValues.Contains(bypass, StringComparer.Ordinal))
            errors.Invalid(PathOf(Annotations.BypassResourceChecks), bypass, "must be \"true\" (skip the GPU fit check) or \"false\"");
        if (annotations.TryGetValue(Annotations.NodeImageFamily, out var family) &&
            !NodeImageFamilies.Contains(family.Trim().ToLowerInvariant(), StringComparer.Ordinal))
            errors.NotSupported(PathOf(Annotations.NodeImageFamily), family, NodeImageFamilies);
        if (annotations.TryGetValue(Annotations.PerformanceMode, out var mode) && !PerformanceModes.Contains(mode, StringComparer.Ordinal))
            errors.NotSupported(PathOf(Annotations.PerformanceMode), mode, PerformanceModes);
        if (annotations.TryGetValue(Annotations.UseLocalWeights, out var local) && !BooleanValues.Contains(local, StringComparer.Ordinal))
            errors.Invalid(PathOf(Annotations.UseLocalWeights), local, "must be \"true\" or \"false\"");
        if (annotations.TryGetValue(Kaito.Presets.ModelImages.PinnedAnnotation, out var image) && ImageReference.Problem(image) is { } imageProblem)
            errors.Invalid(PathOf(Kaito.Presets.ModelImages.PinnedAnnotation), image, "must be an image reference (registry/repository:tag): " + imageProblem);
    }
}

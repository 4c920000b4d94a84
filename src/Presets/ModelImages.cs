using Kaito.Api.V1Beta1;

namespace Kaito.Presets;

/// <summary>
/// Which image serves (or tunes) a preset model: the catalog's image, moved to the operator's preset registry when one
/// is configured (private and air-gapped registries), unless the Workspace pins its own with
/// <see cref="PinnedAnnotation"/> (how an InferenceSet with autoUpgrade keeps its replicas on the image they were made
/// with until its maintenance window opens).
/// </summary>
public sealed class ModelImages(string registry = ModelImages.DefaultRegistry)
{
    /// <summary>The registry the catalog's images are published to (KAITO's PRESET_REGISTRY_NAME default).</summary>
    public const string DefaultRegistry = "mcr.microsoft.com/aks/kaito";

    /// <summary>The model server image this Workspace runs instead of the catalog's (an image reference).</summary>
    public const string PinnedAnnotation = "kaito.sh/model-image";

    public static readonly ModelImages Default = new();

    public string Registry { get; } = registry.TrimEnd('/');

    /// <summary>The catalog image of <paramref name="model"/>, in the configured registry.</summary>
    public string For(ModelPreset model)
    {
        var prefix = DefaultRegistry + "/";
        var repository = model.Image.StartsWith(prefix, StringComparison.Ordinal) ? Registry + "/" + model.Image[prefix.Length..] : model.Image;
        return $"{repository}:{model.Tag}";
    }

    /// <summary>The image <paramref name="workspace"/> runs for <paramref name="model"/>: its pin, else the catalog's.</summary>
    public string For(Workspace workspace, ModelPreset model) => Pinned(workspace) ?? For(model);

    /// <summary>The image <paramref name="workspace"/> is pinned to, or null.</summary>
    public static string? Pinned(Workspace workspace) =>
        workspace.Metadata?.Annotations?.TryGetValue(PinnedAnnotation, out var image) == true && !string.IsNullOrWhiteSpace(image) ? image : null;
}

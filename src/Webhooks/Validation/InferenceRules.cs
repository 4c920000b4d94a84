using Kaito.Api.V1Beta1;
using Kaito.Presets;

namespace Kaito.Webhooks.Validation;

/// <summary>inference: preset xor template, a known preset that runs on the chosen runtime, and its access secret.</summary>
public static class InferenceRules
{
    /// <summary>Returns the catalog model when the preset is known (model-dependent rules need it), else null.</summary>
    /// <param name="hub">The preset name read as a Hugging Face model (<see cref="HubModelRules"/>), which reported its own errors.</param>
    public static ModelPreset? Validate(InferenceSpec inference, string runtime, FieldErrors errors, HubResolution? hub = null)
    {
        if (inference.Preset is null && inference.Template is null)
        {
            errors.Required("inference.preset", "set inference.preset (a supported model) or inference.template (your own pod)");
            return null;
        }
        if (inference.Preset is not null && inference.Template is not null)
            errors.Forbidden("inference.template", "set inference.preset or inference.template, not both; remove one");
        if (inference.Preset is null) return null;

        var model = PresetRules.Find(inference.Preset, "inference.preset", errors, hub);
        if (model is null) return null;
        if (!model.SupportsRuntime(runtime))
        {
            errors.Forbidden(AnnotationRules.PathOf(Annotations.Runtime),
                $"{model.Name} does not run on the {runtime} runtime (supported: {string.Join(", ", model.Runtimes)}); set annotation {Annotations.Runtime}: {model.Runtimes[0]}");
        }
        if (model.ModelAccessSecretRequired && string.IsNullOrEmpty(inference.Preset.PresetOptions?.ModelAccessSecret))
        {
            errors.Required("inference.preset.presetOptions.modelAccessSecret",
                $"{model.Name} is a gated model; create a Secret with key HF_TOKEN and name it in presetOptions.modelAccessSecret");
        }
        return model;
    }
}

/// <summary>Preset names, shared by inference and tuning.</summary>
public static class PresetRules
{
    public static ModelPreset? Find(PresetSpec preset, string path, FieldErrors errors, HubResolution? hub = null)
    {
        if (hub is { IsHubModel: true }) return hub.Model;
        if (string.IsNullOrWhiteSpace(preset.Name))
        {
            errors.Required($"{path}.name", "name a supported model; `kubectl kaito models list` lists them");
            return null;
        }
        var model = ModelCatalog.Default.Find(preset.Name);
        if (model is null)
        {
            errors.NotSupported($"{path}.name", preset.Name,
                $"not a supported model; closest: {string.Join(", ", ModelCatalog.Default.Closest(preset.Name))} (all: `kubectl kaito models list`){(path == "inference.preset" ? ", or a Hugging Face model as <owner>/<name>" : "")}");
        }
        return model;
    }
}

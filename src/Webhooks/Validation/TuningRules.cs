using System.Globalization;
using Kaito.Api.V1Beta1;
using Kaito.Presets;

namespace Kaito.Webhooks.Validation;

/// <summary>tuning: one node, a tunable preset, lora or qlora, and valid input and output.</summary>
public static class TuningRules
{
    public static readonly IReadOnlyList<string> Methods = ["lora", "qlora"];

    public static void Validate(TuningSpec tuning, ResourceSpec? resource, FieldErrors errors)
    {
        if (resource?.Count > 1)
            errors.Forbidden("resource.count", string.Create(CultureInfo.InvariantCulture, $"tuning runs on one node ({resource.Count} requested); set count to 1 or remove it"));
        if (resource?.Partition is not null)
            errors.Forbidden("resource.partition", "tuning cannot run on partitioned GPUs; remove partition");

        ModelPreset? model = null;
        if (tuning.Preset is null) errors.Required("tuning.preset", "set tuning.preset.name to the model to tune");
        else model = PresetRules.Find(tuning.Preset, "tuning.preset", errors);

        var method = tuning.Method?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(method)) errors.Required("tuning.method", "supported: lora, qlora");
        else if (!Methods.Contains(method, StringComparer.Ordinal)) errors.NotSupported("tuning.method", tuning.Method, Methods);
        else if (model is not null && !model.SupportsTuning(method))
        {
            if (model.TuningMethods.Count == 0)
            {
                var tunable = ModelCatalog.Default.Models.Where(m => m.SupportsTuning(method)).Select(m => m.Name).Take(5);
                errors.Forbidden("tuning.preset.name", $"{model.Name} cannot be tuned; choose a tunable model such as {string.Join(", ", tunable)}");
            }
            else
            {
                errors.Forbidden("tuning.method", $"{model.Name} supports tuning with: {string.Join(", ", model.TuningMethods)}; use one of them");
            }
        }

        DataSourceRules.ValidateInput(tuning.Input, "tuning.input", errors);
        DataSourceRules.ValidateOutput(tuning.Output, "tuning.output", errors);
    }
}

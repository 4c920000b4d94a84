using System.Text.Json.Nodes;
using Kaito.Presets;

namespace Kaito.Webhooks.Validation;

/// <summary>An InferenceSet's updateStrategy must be one the reconciler can roll by (<see cref="RolloutBudget"/>).</summary>
public static class UpdateStrategyRules
{
    public static void Validate(JsonObject? strategy, string path, FieldErrors errors)
    {
        var (_, field, problem) = RolloutBudget.Read(strategy);
        if (problem is null || field is null) return;
        JsonNode? value = strategy;
        foreach (var segment in field.Split('.')) value = value?[segment];
        errors.Invalid($"{path}.{field}", value is JsonValue v && v.TryGetValue<string>(out var text) ? text : value?.ToJsonString(), problem);
    }
}

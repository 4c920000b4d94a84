using System.Globalization;
using System.Text.Json.Nodes;
using Kaito.Api.V1Beta1;
using Kaito.Presets;
using Kaito.Webhooks.Admission;
using Kaito.Webhooks.Validation;

namespace Kaito.Webhooks.Defaulting;

/// <summary>
/// Defaults a Workspace beyond what the CRD schema does, as explicit JSON Patch operations on the object
/// exactly as received (so nothing the operator does not model is ever touched):
/// adapter strength "1.0"; lower-case tuning method; the transformers runtime when an adapter asks for a
/// strength vLLM cannot apply; and, under node auto-provisioning, the cheapest instance type that fits.
/// </summary>
public sealed class WorkspaceDefaulter(AdmissionSettings settings)
{
    public DefaultingResult Default(JsonObject workspace, bool isCreate)
    {
        var operations = new List<JsonPatchOperation>();
        var warnings = new List<string>();
        DefaultAdapterStrength(workspace, operations);
        LowerCaseTuningMethod(workspace, operations);
        DefaultRuntime(workspace, operations, warnings);
        if (isCreate) DefaultInstanceType(workspace, operations, warnings);
        return new DefaultingResult(operations, warnings);
    }

    static void DefaultAdapterStrength(JsonObject workspace, List<JsonPatchOperation> operations)
    {
        if (workspace["inference"]?["adapters"] is not JsonArray adapters) return;
        for (var i = 0; i < adapters.Count; i++)
        {
            if (adapters[i] is JsonObject adapter && adapter["strength"] is null)
                operations.Add(JsonPatchOperation.Add($"/inference/adapters/{i}/strength", "1.0"));
        }
    }

    static void LowerCaseTuningMethod(JsonObject workspace, List<JsonPatchOperation> operations)
    {
        if (workspace["tuning"]?["method"] is JsonValue value && value.TryGetValue<string>(out var method)
            && method != method.ToLowerInvariant())
            operations.Add(JsonPatchOperation.Replace("/tuning/method", method.ToLowerInvariant()));
    }

    // vLLM applies LoRA adapters at full strength only. KAITO's older manifests ask for other strengths,
    // which only the transformers runtime honours: choose it for them unless a runtime was chosen explicitly.
    void DefaultRuntime(JsonObject workspace, List<JsonPatchOperation> operations, List<string> warnings)
    {
        if (!settings.FeatureGates.Vllm) return;
        var annotations = workspace["metadata"]?["annotations"] as JsonObject;
        if (annotations?[Annotations.Runtime] is not null) return;
        if (workspace["inference"]?["adapters"] is not JsonArray adapters) return;
        if (WorkspaceSemantics.PartialStrength(adapters.OfType<JsonObject>().Select(a => StringAt(a["strength"]))) is not { } partial) return;

        if (annotations is null)
            operations.Add(JsonPatchOperation.Add("/metadata/annotations", new JsonObject { [Annotations.Runtime] = Runtimes.Transformers }));
        else
            operations.Add(JsonPatchOperation.Add($"/metadata/annotations/{JsonPatchOperation.Escape(Annotations.Runtime)}", Runtimes.Transformers));
        warnings.Add($"adapter strength {partial} needs the transformers runtime (vLLM applies adapters at 1.0); set {Annotations.Runtime}: transformers");
    }

    void DefaultInstanceType(JsonObject workspace, List<JsonPatchOperation> operations, List<string> warnings)
    {
        if (!settings.AutoProvisioning) return;
        if (workspace["resource"] is not JsonObject resource) return;
        if (resource["instanceType"] is JsonValue v && v.TryGetValue<string>(out var current) && !string.IsNullOrWhiteSpace(current)) return;
        if (!SkuCatalogHasCloud()) return;

        var presetName = StringAt(workspace["inference"]?["preset"]?["name"]) ?? StringAt(workspace["tuning"]?["preset"]?["name"]);
        if (presetName is null || ModelCatalog.Default.Find(presetName) is not { } model) return;

        var tuning = workspace["tuning"] is JsonObject;
        var runtime = WorkspaceSemantics.Runtime(AnnotationsOf(workspace), Strengths(workspace), tuning, settings.FeatureGates.Vllm);
        var skus = SkuCatalog.Default.For(settings.Cloud);
        var request = new PlanRequest(model, skus[0].Shape, runtime, tuning ? WorkspaceSemantics.TuningMethod(StringAt(workspace["tuning"]?["method"])) : null);
        if (CapacityPlanner.Suggest(request, skus, 1) is not [var cheapest]) return;

        operations.Add(resource.ContainsKey("instanceType")
            ? JsonPatchOperation.Replace("/resource/instanceType", cheapest.Name)
            : JsonPatchOperation.Add("/resource/instanceType", cheapest.Name));
        warnings.Add($"resource.instanceType defaulted to {cheapest.Name}, the cheapest {settings.Cloud} SKU that fits {model.Name} ({cheapest.Nodes} node(s))");
    }

    static Dictionary<string, string>? AnnotationsOf(JsonObject workspace) =>
        workspace["metadata"]?["annotations"] is JsonObject annotations
            ? annotations.Where(a => a.Value is JsonValue).ToDictionary(a => a.Key, a => StringAt(a.Value) ?? "", StringComparer.Ordinal)
            : null;

    static IEnumerable<string?> Strengths(JsonObject workspace) =>
        workspace["inference"]?["adapters"] is JsonArray adapters ? adapters.OfType<JsonObject>().Select(a => StringAt(a["strength"])) : [];

    bool SkuCatalogHasCloud() => SkuCatalog.Default.HasCloud(settings.Cloud);

    static string? StringAt(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var s) ? s : null;
}

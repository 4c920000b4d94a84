using System.Text.Json;
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
/// Reads the object where it was parsed (no mutable copy): most requests need no patch at all.
/// </summary>
public sealed class WorkspaceDefaulter(AdmissionSettings settings)
{
    public DefaultingResult Default(JsonElement workspace, bool isCreate)
    {
        var operations = new List<JsonPatchOperation>();
        var warnings = new List<string>();
        DefaultAdapterStrength(workspace, operations);
        LowerCaseTuningMethod(workspace, operations);
        DefaultRuntime(workspace, operations, warnings);
        if (isCreate) DefaultInstanceType(workspace, operations, warnings);
        return operations.Count == 0 && warnings.Count == 0 ? DefaultingResult.None : new DefaultingResult(operations, warnings);
    }

    static void DefaultAdapterStrength(JsonElement workspace, List<JsonPatchOperation> operations)
    {
        if (Adapters(workspace) is not { } adapters) return;
        var i = 0;
        foreach (var adapter in adapters.EnumerateArray())
        {
            if (adapter.ValueKind == JsonValueKind.Object && adapter.At("strength") is null)
                operations.Add(JsonPatchOperation.Add($"/inference/adapters/{i}/strength", "1.0"));
            i++;
        }
    }

    static void LowerCaseTuningMethod(JsonElement workspace, List<JsonPatchOperation> operations)
    {
        if (workspace.At("tuning").At("method").AsString() is { } method && method != method.ToLowerInvariant())
            operations.Add(JsonPatchOperation.Replace("/tuning/method", method.ToLowerInvariant()));
    }

    // vLLM applies LoRA adapters at full strength only. KAITO's older manifests ask for other strengths,
    // which only the transformers runtime honours: choose it for them unless a runtime was chosen explicitly.
    void DefaultRuntime(JsonElement workspace, List<JsonPatchOperation> operations, List<string> warnings)
    {
        if (!settings.FeatureGates.Vllm) return;
        var annotations = workspace.At("metadata").At("annotations").AsObject();
        if (annotations.At(Annotations.Runtime) is not null) return;
        if (WorkspaceSemantics.PartialStrength(Strengths(workspace)) is not { } partial) return;

        if (annotations is null)
            operations.Add(JsonPatchOperation.Add("/metadata/annotations", new JsonObject { [Annotations.Runtime] = Runtimes.Transformers }));
        else
            operations.Add(JsonPatchOperation.Add($"/metadata/annotations/{JsonPatchOperation.Escape(Annotations.Runtime)}", Runtimes.Transformers));
        warnings.Add($"adapter strength {partial} needs the transformers runtime (vLLM applies adapters at 1.0); set {Annotations.Runtime}: transformers");
    }

    void DefaultInstanceType(JsonElement workspace, List<JsonPatchOperation> operations, List<string> warnings)
    {
        if (!settings.AutoProvisioning) return;
        if (workspace.At("resource").AsObject() is not { } resource) return;
        if (resource.At("instanceType").AsString() is { } current && !string.IsNullOrWhiteSpace(current)) return;
        if (!SkuCatalogHasCloud()) return;

        var tuning = workspace.At("tuning");
        var presetName = workspace.At("inference").At("preset").At("name").AsString() ?? tuning.At("preset").At("name").AsString();
        if (presetName is null || ModelCatalog.Default.Find(presetName) is not { } model) return;

        var tunes = tuning.AsObject() is not null;
        var runtime = WorkspaceSemantics.Runtime(AnnotationsOf(workspace), Strengths(workspace), tunes, settings.FeatureGates.Vllm);
        var skus = SkuCatalog.Default.For(settings.Cloud);
        var request = new PlanRequest(model, skus[0].Shape, runtime, tunes ? WorkspaceSemantics.TuningMethod(tuning.At("method").AsString()) : null);
        if (CapacityPlanner.Suggest(request, skus, 1) is not [var cheapest]) return;

        operations.Add(resource.TryGetProperty("instanceType", out _)
            ? JsonPatchOperation.Replace("/resource/instanceType", cheapest.Name)
            : JsonPatchOperation.Add("/resource/instanceType", cheapest.Name));
        warnings.Add($"resource.instanceType defaulted to {cheapest.Name}, the cheapest {settings.Cloud} SKU that fits {model.Name} ({cheapest.Nodes} node(s))");
    }

    /// <summary>inference.adapters when it is a list; anything else there has nothing to default.</summary>
    static JsonElement? Adapters(JsonElement workspace) =>
        workspace.At("inference").At("adapters") is { ValueKind: JsonValueKind.Array } adapters ? adapters : null;

    /// <summary>The annotations with a string, number or boolean value (as text); the schema rejects the others.</summary>
    static Dictionary<string, string>? AnnotationsOf(JsonElement workspace)
    {
        if (workspace.At("metadata").At("annotations").AsObject() is not { } annotations) return null;
        var read = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var annotation in annotations.EnumerateObject())
        {
            if (annotation.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array or JsonValueKind.Null) continue;
            read.Add(annotation.Name, annotation.Value.ValueKind == JsonValueKind.String ? annotation.Value.GetString()! : "");
        }
        return read;
    }

    static IEnumerable<string?> Strengths(JsonElement workspace) =>
        Adapters(workspace) is { } adapters
            ? adapters.EnumerateArray().Where(a => a.ValueKind == JsonValueKind.Object).Select(a => a.At("strength").AsString())
            : [];

    bool SkuCatalogHasCloud() => SkuCatalog.Default.HasCloud(settings.Cloud);
}

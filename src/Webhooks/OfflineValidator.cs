using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using Kaito.Api.V1Beta1;
using Kaito.Webhooks.Admission;
using Kaito.Webhooks.Defaulting;
using Kaito.Webhooks.Validation;

namespace Kaito.Webhooks;

/// <summary>One document checked offline: its identity, defaults applied, and the verdict.</summary>
public sealed record OfflineVerdict(string Kind, string? Name, ValidationResult Result, IReadOnlyList<string> DefaultingWarnings);

/// <summary>
/// The webhook pipeline without a cluster: the mutating defaults, then the validating rules, for create.
/// Used by kubectl-kaito validate in CI pipelines.
/// </summary>
public sealed class OfflineValidator(AdmissionSettings settings)
{
    public async Task<OfflineVerdict> ValidateAsync(JsonObject document, CancellationToken cancellationToken)
    {
        var kind = document["kind"] is JsonValue k && k.TryGetValue<string>(out var s) ? s : "";
        var name = document["metadata"]?["name"] is JsonValue n && n.TryGetValue<string>(out var nm) ? nm : null;
        var apiVersion = document["apiVersion"] is JsonValue a && a.TryGetValue<string>(out var av) ? av : "";
        if (apiVersion is not (KaitoGroup.V1Alpha1 or KaitoGroup.V1Beta1) || kind is not (Workspace.KindName or RAGEngine.KindName or InferenceSet.KindName))
        {
            var errors = new FieldErrors();
            errors.NotSupported("kind", $"{apiVersion}/{kind}",
                [$"{KaitoGroup.V1Beta1}/Workspace", $"{KaitoGroup.V1Beta1}/RAGEngine", $"{KaitoGroup.V1Beta1}/InferenceSet", "(and kaito.sh/v1alpha1)"]);
            return new OfflineVerdict(kind, name, ValidationResult.From(errors, []), []);
        }

        DefaultingResult defaulting;
        using (var parsed = JsonDocument.Parse(document.ToJsonString()))
        {
            defaulting = kind switch
            {
                Workspace.KindName => new WorkspaceDefaulter(settings).Default(parsed.RootElement, isCreate: true),
                RAGEngine.KindName => RAGEngineDefaulter.Default(parsed.RootElement),
                _ => DefaultingResult.None,
            };
        }
        JsonPatchApplier.Apply(document, defaulting.Operations);
        var json = document.ToJsonString();
        var result = kind switch
        {
            Workspace.KindName => await new WorkspaceValidator(settings, null).ValidateCreateAsync(KubernetesJson.Deserialize<Workspace>(json), cancellationToken),
            RAGEngine.KindName => await new RAGEngineValidator(settings, null).ValidateCreateAsync(KubernetesJson.Deserialize<RAGEngine>(json), cancellationToken),
            _ => await new InferenceSetValidator(settings, null).ValidateCreateAsync(KubernetesJson.Deserialize<InferenceSet>(json), cancellationToken),
        };
        return new OfflineVerdict(kind, name, result, defaulting.Warnings);
    }
}

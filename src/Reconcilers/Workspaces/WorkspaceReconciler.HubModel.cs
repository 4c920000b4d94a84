using System.Collections.Concurrent;
using System.Net;
using k8s;
using k8s.Autorest;
using Kaito.Api.V1Beta1;
using Kaito.Presets;
using Kaito.Presets.HuggingFace;

namespace Kaito.Reconcilers.Workspaces;

public sealed partial class WorkspaceReconciler
{
    const int SizedHubModelsKept = 1024;

    // A Hub model's sizing, once read, holds while the Workspace's generation does (its preset and secret are spec): later
    // passes read neither the Secret nor the Hub. Keyed by the Workspace's uid; cleared whole past SizedHubModelsKept
    // entries, which costs each Workspace one more read.
    readonly ConcurrentDictionary<string, (long Generation, ModelPreset Model)> sizedHubModels = new();

    /// <summary>
    /// The Hugging Face model an inference preset names when it is no catalog preset, sized from its metadata (the
    /// webhook admitted it, perhaps before the Hub answered); or the plan problem status shows until it can be read.
    /// </summary>
    async Task<(ModelPreset? Model, (string Reason, string Message)? Problem)> HubModelAsync(Workspace workspace, CancellationToken ct)
    {
        if (workspace.Inference?.Preset is not { } preset || !HubModelNames.IsHubModel(preset.Name)) return (null, null);
        if (settings.Hub is not { } hub) return (null, ("ModelUnknown", $"{preset.Name} is no preset and this operator reads no Hugging Face metadata"));
        var key = $"{workspace.Metadata.NamespaceProperty}/{workspace.Metadata.Name}/{workspace.Metadata.Uid}";
        var generation = workspace.Metadata.Generation ?? 0;
        if (sizedHubModels.TryGetValue(key, out var sized) && sized.Generation == generation) return (sized.Model, null);
        var (model, problem) = await ReadHubModelAsync(workspace, preset, hub, ct);
        if (model is not null)
        {
            if (sizedHubModels.Count >= SizedHubModelsKept) sizedHubModels.Clear();
            sizedHubModels[key] = (generation, model);
        }
        return (model, problem);
    }

    async Task<(ModelPreset? Model, (string Reason, string Message)? Problem)> ReadHubModelAsync(Workspace workspace, PresetSpec preset, HubClient hub, CancellationToken ct)
    {
        string? token = null;
        if (preset.PresetOptions?.ModelAccessSecret is { Length: > 0 } secretName)
        {
            try
            {
                var secret = await client.CoreV1.ReadNamespacedSecretAsync(secretName, workspace.Metadata.NamespaceProperty, cancellationToken: ct);
                token = HubModelNames.Token(secret.Data);
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
            {
                return (null, ("ModelAccessSecretNotFound", $"Secret {secretName} (presetOptions.modelAccessSecret) is not in namespace {workspace.Metadata.NamespaceProperty}; create it with key {HubModelNames.TokenKey}"));
            }
        }
        var lookup = await hub.LookupAsync(preset.Name!, token, ct);
        return lookup.Outcome switch
        {
            HubOutcome.Found => (lookup.Model, null),
            HubOutcome.Unreachable => (null, ("ModelMetadataUnavailable", $"waiting for the metadata of {preset.Name} to check the GPU fit: {lookup.Message}")),
            HubOutcome.NeedsToken or HubOutcome.TokenRefused => (null, ("ModelAccessDenied", lookup.Message)),
            HubOutcome.NotFound => (null, ("ModelNotFound", lookup.Message)),
            _ => (null, ("ModelUnusable", lookup.Message)),
        };
    }
}

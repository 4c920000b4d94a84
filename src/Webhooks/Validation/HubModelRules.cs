using Kaito.Api.V1Beta1;
using Kaito.Presets;
using Kaito.Presets.HuggingFace;

namespace Kaito.Webhooks.Validation;

/// <summary>A preset name that is a Hub model: whether it is one, and the model sized from its metadata when that was read.</summary>
public sealed record HubResolution(bool IsHubModel, ModelPreset? Model)
{
    public static readonly HubResolution None = new(false, null);
}

/// <summary>
/// A Hugging Face model outside the catalog (<c>preset.name: owner/name</c>): its metadata read within
/// <see cref="AdmissionSettings.HubBudget"/>, with the token of presetOptions.modelAccessSecret. Every failure names the field
/// to fix; an endpoint that does not answer in time admits with a warning (the reconciler checks the fit later).
/// </summary>
public static class HubModelRules
{
    public static async Task<HubResolution> ResolveAsync(PresetSpec preset, string path, string @namespace, AdmissionSettings settings,
        IClusterLookup? cluster, FieldErrors errors, List<string> warnings, CancellationToken cancellationToken)
    {
        if (settings.Hub is not { } hub || !HubModelNames.IsHubModel(preset.Name)) return HubResolution.None;
        var name = preset.Name!;
        var secretPath = $"{path}.presetOptions.modelAccessSecret";
        var secretName = preset.PresetOptions?.ModelAccessSecret;
        string? token = null;
        var secretUnread = false;
        if (!string.IsNullOrEmpty(secretName))
        {
            if (cluster is null)
            {
                secretUnread = true;
            }
            else
            {
                k8s.Models.V1Secret? secret;
                try
                {
                    secret = await cluster.GetSecretAsync(@namespace, secretName, cancellationToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    errors.Invalid(secretPath, secretName, $"could not read Secret {secretName} in namespace {@namespace} ({e.Message}); retry, or check the operator's RBAC");
                    return new HubResolution(true, null);
                }
                if (secret is null)
                {
                    errors.Invalid(secretPath, secretName, $"Secret {secretName} not found in namespace {@namespace}; create it with key {HubModelNames.TokenKey} (a Hugging Face token)");
                    return new HubResolution(true, null);
                }
                token = HubModelNames.Token(secret.Data);
                if (token is null)
                {
                    errors.Invalid(secretPath, secretName, $"Secret {secretName} has no key {HubModelNames.TokenKey}; put the Hugging Face token under data.{HubModelNames.TokenKey}");
                    return new HubResolution(true, null);
                }
            }
        }

        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(AdmissionSettings.HubBudget);
        var lookup = await hub.LookupAsync(name, token, budget.Token);
        switch (lookup.Outcome)
        {
            case HubOutcome.Found:
                return new HubResolution(true, lookup.Model);
            case HubOutcome.NotFound:
                errors.NotSupported($"{path}.name", name, $"not a preset, and no Hugging Face repository of that name: {lookup.Message}; check the owner and name (case included)");
                break;
            case HubOutcome.NeedsToken when secretUnread:
                warnings.Add($"{path}.name: {name} is gated and Secret {secretName} is not read without a cluster; the GPU fit check is deferred to the operator");
                break;
            case HubOutcome.NeedsToken when string.IsNullOrEmpty(secretName):
                errors.Required(secretPath, $"{lookup.Message}; create a Secret with key {HubModelNames.TokenKey} and name it in {secretPath}");
                break;
            case HubOutcome.NeedsToken or HubOutcome.TokenRefused:
                errors.Invalid(secretPath, secretName!, $"{lookup.Message}; put a token that can read {name} in Secret {secretName}");
                break;
            case HubOutcome.Unusable:
                errors.Invalid($"{path}.name", name, lookup.Message);
                break;
            case HubOutcome.Unreachable:
                warnings.Add($"{path}.name: the metadata of {name} could not be read ({lookup.Message}); the GPU fit check is deferred: the operator checks it once the metadata can be read and reports it in status");
                break;
        }
        return new HubResolution(true, null);
    }
}

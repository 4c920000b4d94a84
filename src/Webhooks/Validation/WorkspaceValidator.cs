using Kaito.Api.V1Beta1;
using Kaito.Presets;
using Kaito.Presets.HuggingFace;

namespace Kaito.Webhooks.Validation;

/// <summary>Every admission rule for Workspace (kaito.sh/v1alpha1 and v1beta1), create and update.</summary>
public sealed class WorkspaceValidator(AdmissionSettings settings, IClusterLookup? cluster)
{
    public AdmissionSettings Settings { get; } = settings;

    public IClusterLookup? Cluster { get; } = cluster;

    public async ValueTask<ValidationResult> ValidateCreateAsync(Workspace workspace, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        var errors = new FieldErrors();
        var warnings = new List<string>();
        var model = await ValidateAsync(workspace, null, errors, warnings, cancellationToken);
        return ValidationResult.From(errors, warnings, model);
    }

    /// <summary>
    /// The create rules on the new object except the GPU fit (nothing it depends on may change), plus
    /// immutability. Referenced ConfigMaps are re-read only when the reference changed, so that a ConfigMap
    /// deleted later cannot block updates (status writes included).
    /// </summary>
    public async ValueTask<ValidationResult> ValidateUpdateAsync(Workspace workspace, Workspace old, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        ArgumentNullException.ThrowIfNull(old);
        var errors = new FieldErrors();
        var warnings = new List<string>();
        await ValidateAsync(workspace, old, errors, warnings, cancellationToken);
        RuleGuard.Run("metadata", (workspace, old, Settings, errors), static s => WorkspaceImmutability.Validate(s.workspace, s.old, s.Settings, s.errors));
        return ValidationResult.From(errors, warnings);
    }

    /// <returns>The model the preset resolved to (the catalog's, or a Hub model sized from its metadata), when there is one.</returns>
    async ValueTask<ModelPreset?> ValidateAsync(Workspace workspace, Workspace? old, FieldErrors errors, List<string> warnings, CancellationToken cancellationToken)
    {
        ModelPreset? resolved = null;
        var annotations = workspace.Metadata?.Annotations;
        var name = workspace.Metadata?.Name;
        if (string.IsNullOrEmpty(name)) errors.Required("metadata.name", "name the Workspace (a DNS label, e.g. workspace-phi-3)");
        else if (!KubernetesNames.IsDns1123Label(name)) errors.Invalid("metadata.name", name, "must be a DNS label: " + KubernetesNames.LabelRule);

        RuleGuard.Run("metadata.annotations", (annotations, Settings.FeatureGates, errors), static s => AnnotationRules.Validate(s.annotations, s.FeatureGates, s.errors));

        if (workspace.Inference is null && workspace.Tuning is null)
            errors.Required("inference", "set inference (serve a model) or tuning (fine-tune one)");
        else if (workspace.Inference is not null && workspace.Tuning is not null)
            errors.Forbidden("tuning", "a Workspace either serves (inference) or fine-tunes (tuning), not both; remove one");

        var resource = workspace.Resource;
        if (resource is null)
        {
            errors.Required("resource", "set resource.labelSelector (and resource.instanceType when nodes are provisioned)");
        }
        else
        {
            RuleGuard.Run("resource.instanceType", (resource.InstanceType, Settings, errors, warnings: old is null ? warnings : null, annotations),
                static s => ResourceRules.ValidateInstanceType(s.InstanceType, "resource.instanceType", s.Settings, s.errors, s.warnings, s.annotations));
            RuleGuard.Run("resource.labelSelector", (resource.LabelSelector, Settings.AutoProvisioning, errors),
                static s => LabelSelectorRules.Validate(s.LabelSelector, "resource.labelSelector", s.AutoProvisioning, s.errors));
            RuleGuard.Run("resource.partition", (resource.Partition, Settings, errors), static s => PartitionRules.Validate(s.Partition, "resource.partition", s.Settings, s.errors));
        }

        var @namespace = string.IsNullOrEmpty(workspace.Metadata?.NamespaceProperty) ? "default" : workspace.Metadata.NamespaceProperty;
        if (workspace.Inference is { } inference)
        {
            var runtime = WorkspaceSemantics.Runtime(workspace, Settings.FeatureGates.Vllm);
            // A Hub model's metadata is read when the name is new; updates that keep it (status writes) never wait for the Hub.
            var hub = inference.Preset is not { } preset || !HubModelNames.IsHubModel(preset.Name) ? HubResolution.None
                : old is not null && old.Inference?.Preset?.Name == preset.Name ? new HubResolution(true, null)
                : await RuleGuard.RunAsync("inference.preset", (preset, @namespace, Settings, Cluster, errors, warnings, cancellationToken),
                    static s => HubModelRules.ResolveAsync(s.preset, "inference.preset", s.@namespace, s.Settings, s.Cluster, s.errors, s.warnings, s.cancellationToken));
            var model = RuleGuard.Run("inference.preset", (inference, runtime, errors, hub), static s => InferenceRules.Validate(s.inference, s.runtime, s.errors, s.hub));
            resolved = model;
            RuleGuard.Run("inference.adapters", (inference.Adapters, runtime, errors), static s => AdapterRules.Validate(s.Adapters, s.runtime, s.errors));

            if (old is null && model is not null && resource is not null && model.SupportsRuntime(runtime))
            {
                if (WorkspaceSemantics.BypassesResourceChecks(annotations))
                    warnings.Add($"GPU fit check bypassed ({Annotations.BypassResourceChecks}: \"true\"); the model may not fit");
                else
                    await RuleGuard.RunAsync("resource.instanceType", (workspace, model, runtime, Settings, Cluster, errors, warnings, cancellationToken),
                        static s => GpuFitRules.ValidateAsync(s.workspace, s.model, s.runtime, s.Settings, s.Cluster, s.errors, s.warnings, s.cancellationToken));
            }

            if (!string.IsNullOrEmpty(inference.Config) && inference.Config != old?.Inference?.Config)
            {
                if (Cluster is null) warnings.Add($"inference.config not checked: no cluster access to read ConfigMap {inference.Config}");
                else if (await ConfigMapRules.ReadKeyAsync(Cluster, @namespace, inference.Config, ConfigMapRules.InferenceKey, "inference.config",
                             "runtime parameters", errors, cancellationToken) is { } content)
                    ConfigMapRules.ValidateInferenceConfig(content, inference.Config, model, "inference.config", errors);
            }
        }

        if (workspace.Tuning is { } tuning)
        {
            RuleGuard.Run("tuning", (tuning, resource, errors), static s => TuningRules.Validate(s.tuning, s.resource, s.errors));
            if (!string.IsNullOrEmpty(tuning.Config) && tuning.Config != old?.Tuning?.Config)
            {
                if (Cluster is null) warnings.Add($"tuning.config not checked: no cluster access to read ConfigMap {tuning.Config}");
                else if (await ConfigMapRules.ReadKeyAsync(Cluster, @namespace, tuning.Config, ConfigMapRules.TrainingKey, "tuning.config",
                             "training configuration", errors, cancellationToken) is { } content)
                    ConfigMapRules.ValidateTrainingConfig(content, tuning.Config, tuning.Method, "tuning.config", errors);
            }
        }

        AddDeprecationWarnings(workspace, warnings);
        return resolved;
    }

    static void AddDeprecationWarnings(Workspace workspace, List<string> warnings)
    {
        if (workspace.Resource?.PreferredNodes is { Count: > 0 })
            warnings.Add("resource.preferredNodes is deprecated: label the nodes and select them with resource.labelSelector");
        if (workspace.Resource?.Count is { } count && count != 1)
            warnings.Add("resource.count is deprecated: the operator computes the node count from the model and the GPU SKU");
        AddPresetDeprecationWarnings("inference.preset", workspace.Inference?.Preset, warnings);
        AddPresetDeprecationWarnings("tuning.preset", workspace.Tuning?.Preset, warnings);
    }

    static void AddPresetDeprecationWarnings(string path, PresetSpec? preset, List<string> warnings)
    {
        if (preset is null) return;
        if (string.Equals(preset.AccessMode, "private", StringComparison.OrdinalIgnoreCase))
            warnings.Add($"{path}.accessMode private is deprecated and ignored; gated models use presetOptions.modelAccessSecret");
        if (!string.IsNullOrEmpty(preset.PresetOptions?.Image))
            warnings.Add($"{path}.presetOptions.image is deprecated and ignored; the preset's own image is used");
    }
}

using System.Globalization;
using Kaito.Api.V1Beta1;
using Kaito.Presets;

namespace Kaito.Webhooks.Validation;

/// <summary>
/// Every admission rule for InferenceSet: its own fields, and every Workspace rule applied to the Workspace the set
/// would create, with the errors moved under spec.template (spec.labelSelector for the selector) and reported together.
/// </summary>
public sealed class InferenceSetValidator(AdmissionSettings settings, IClusterLookup? cluster)
{
    const string Fix = "delete and recreate the InferenceSet to change it";

    public async ValueTask<ValidationResult> ValidateCreateAsync(InferenceSet set, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(set);
        var errors = new FieldErrors();
        var warnings = new List<string>();
        await ValidateAsync(set, errors, warnings, cancellationToken);
        return ValidationResult.From(errors, warnings);
    }

    /// <summary>The create rules again, and the partition and label selector kept: the nodes the replicas use do not change shape.</summary>
    public async ValueTask<ValidationResult> ValidateUpdateAsync(InferenceSet set, InferenceSet old, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(old);
        var errors = new FieldErrors();
        var warnings = new List<string>();
        await ValidateAsync(set, errors, warnings, cancellationToken);
        if (KubernetesJsonEqual(set.Spec?.Template?.Resource?.Partition, old.Spec?.Template?.Resource?.Partition) is false)
            errors.Forbidden("spec.template.resource.partition", "field is immutable; " + Fix);
        if (!LabelSelectorRules.SemanticallyEqual(set.Spec?.LabelSelector, old.Spec?.LabelSelector))
            errors.Forbidden("spec.labelSelector", "field is immutable; " + Fix);
        return ValidationResult.From(errors, warnings);
    }

    async Task ValidateAsync(InferenceSet set, FieldErrors errors, List<string> warnings, CancellationToken cancellationToken)
    {
        var name = set.Metadata?.Name;
        var spec = set.Spec;
        var replicas = spec?.Replicas ?? 1;
        var longestChild = InferenceSetChildren.Name(name ?? "", Math.Max(0, replicas - 1)).Length;
        if (string.IsNullOrEmpty(name)) errors.Required("metadata.name", "name the InferenceSet (a DNS label, e.g. phi-4-set)");
        else if (!KubernetesNames.IsDns1123Label(name)) errors.Invalid("metadata.name", name, "must be a DNS label: " + KubernetesNames.LabelRule);
        else if (longestChild > InferenceSetChildren.MaxNameLength)
            errors.Invalid("metadata.name", name, string.Create(CultureInfo.InvariantCulture,
                $"too long for {replicas} replicas: its Workspaces are named {name}-<index>, at most {InferenceSetChildren.MaxNameLength} characters; use at most {name.Length - (longestChild - InferenceSetChildren.MaxNameLength)} characters"));

        if (set.Metadata?.Annotations?.TryGetValue(ScaleDownCooldown.Annotation, out var cooldown) == true && ScaleDownCooldown.Parse(cooldown) is null)
            errors.Invalid($"metadata.annotations[{ScaleDownCooldown.Annotation}]", cooldown, "must be a duration such as 120s, 5m or 0s (no cool-down)");

        foreach (var problem in KedaAutoscaling.Read(set.Metadata?.Annotations, spec?.NodeCountLimit).Problems)
        {
            if (problem.Value is null) errors.Required($"metadata.annotations[{problem.Key}]", problem.Message);
            else errors.Invalid($"metadata.annotations[{problem.Key}]", problem.Value, problem.Message);
        }

        if (spec is null)
        {
            errors.Required("spec", "set spec.labelSelector and spec.template (resource and inference)");
            return;
        }
        if (replicas < 0) errors.Invalid("spec.replicas", replicas.ToString(CultureInfo.InvariantCulture), "must be non-negative; 0 releases every GPU node");
        if (spec.Template is null) errors.Required("spec.template", "set spec.template.inference (the model) and spec.template.resource.instanceType");
        else if (spec.Template.Inference is null) errors.Required("spec.template.inference", "set the model each replica serves, e.g. inference.preset.name: phi-4");
        if (spec.LabelSelector is null) errors.Required("spec.labelSelector", "labels that select the GPU nodes, e.g. matchLabels: {apps: phi-4}");
        UpdateStrategyRules.Validate(spec.UpdateStrategy, "spec.updateStrategy", errors);
        MaintenanceWindowRules.Validate(spec.AutoUpgrade?.MaintenanceWindow, "spec.autoUpgrade.maintenanceWindow", errors);
        if (spec.Template?.Inference is null || spec.LabelSelector is null) return;

        // Without provisioning the children get no instance type, so the template's own is checked here.
        if (!settings.Provisioning.CreatesNodes())
            ResourceRules.ValidateInstanceType(spec.Template.Resource?.InstanceType, "spec.template.resource.instanceType", settings, errors);

        // The Workspace replica 0 would be, through every create rule. Its name is the set's problem, reported above.
        var child = InferenceSetChildren.Build(set, 0, settings.Provisioning);
        child.Metadata.Name = KubernetesNames.IsDns1123Label(child.Metadata.Name) ? child.Metadata.Name : "replica-0";
        var result = await new WorkspaceValidator(settings, cluster).ValidateCreateAsync(child, cancellationToken);
        foreach (var error in result.Errors) errors.Add(error with { Path = TemplatePath(error.Path) });
        warnings.AddRange(result.Warnings.Select(w => "spec.template: " + w));

        if (spec.NodeCountLimit is not { } limit || !result.Allowed || child.Resource?.InstanceType is not { Length: > 0 } instanceType) return;
        var resolved = WorkspaceSemantics.ShapeOf(settings.Cloud, instanceType, child.Metadata?.Annotations);
        if (resolved.Pending)
        {
            warnings.Add(
                $"spec.nodeCountLimit was not checked: {instanceType} is not in the {settings.Cloud} GPU catalog and declares no GPUs, so the nodes " +
                $"one replica needs are known only once its first node exists. To check now, declare them in spec.template.metadata.annotations " +
                $"with {Annotations.SkuGpus}: \"{DeclaredGpus.Example}\" ({DeclaredGpus.Format})");
            return;
        }
        if (NodesPerReplica(child, resolved.Shape, result.Model) is { } perReplica && limit < replicas * perReplica)
            errors.Invalid("spec.nodeCountLimit", limit.ToString(CultureInfo.InvariantCulture), string.Create(CultureInfo.InvariantCulture,
                $"{replicas} replicas × {perReplica} GPU node(s) each need {replicas * perReplica}; raise nodeCountLimit or lower replicas"));
    }

    /// <summary>
    /// GPU nodes one replica needs on the template's GPU shape, for the model the Workspace rules resolved (a Hub model
    /// included); null when not known here (your own nodes, a custom template, no shape).
    /// </summary>
    int? NodesPerReplica(Workspace child, GpuShape? shape, ModelPreset? model)
    {
        if (shape is null || model is null) return null;
        var plan = CapacityPlanner.Plan(new PlanRequest(model, shape, WorkspaceSemantics.Runtime(child, settings.FeatureGates.Vllm)), itemize: false);
        return plan.Fits ? plan.Nodes : null;
    }

    /// <summary>A Workspace field's path as the set spells it.</summary>
    static string TemplatePath(string path) => path switch
    {
        "resource.labelSelector" => "spec.labelSelector",
        _ when path.StartsWith("resource.labelSelector", StringComparison.Ordinal) => "spec.labelSelector" + path["resource.labelSelector".Length..],
        _ => "spec.template." + path,
    };

    static bool? KubernetesJsonEqual<T>(T? a, T? b) where T : class =>
        a is null && b is null ? null : k8s.KubernetesJson.Serialize(a) == k8s.KubernetesJson.Serialize(b);
}

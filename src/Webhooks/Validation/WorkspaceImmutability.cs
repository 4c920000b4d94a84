using Kaito.Api.V1Beta1;
using Kaito.Presets;

namespace Kaito.Webhooks.Validation;

/// <summary>What a Workspace update may not change.</summary>
public static class WorkspaceImmutability
{
    public const string Fix = "delete and recreate the Workspace to change it";

    public static void Validate(Workspace updated, Workspace old, AdmissionSettings settings, FieldErrors errors)
    {
        if ((updated.Inference is null) != (old.Inference is null))
            errors.Forbidden("inference", (old.Inference is null ? "inference cannot be added" : "inference cannot be removed") + " after creation; " + Fix);
        if ((updated.Tuning is null) != (old.Tuning is null))
            errors.Forbidden("tuning", (old.Tuning is null ? "tuning cannot be added" : "tuning cannot be removed") + " after creation; " + Fix);

        ResourceRules(updated.Resource, old.Resource, "resource", settings.Provisioning, errors);
        var declaredBefore = Annotation(old, Annotations.SkuGpus);
        if (declaredBefore != Annotation(updated, Annotations.SkuGpus))
            errors.Forbidden(AnnotationRules.PathOf(Annotations.SkuGpus),
                $"the instance type's declared GPUs decide its plan and cannot change after creation (was {declaredBefore ?? "absent"}); {Fix}");

        if (updated.Inference is { } inference && old.Inference is { } oldInference)
        {
            if (!PresetEqual(inference.Preset, oldInference.Preset)) Immutable("inference.preset", errors);
            if ((inference.Template is null) != (oldInference.Template is null))
                errors.Forbidden("inference.template", $"a template cannot be {(oldInference.Template is null ? "added" : "removed")} after creation (its content may change); {Fix}");
        }
        if (updated.Tuning is { } tuning && old.Tuning is { } oldTuning)
        {
            if (!PresetEqual(tuning.Preset, oldTuning.Preset)) Immutable("tuning.preset", errors);
            if (!string.Equals(tuning.Method ?? "", oldTuning.Method ?? "", StringComparison.OrdinalIgnoreCase)) Immutable("tuning.method", errors);
            if (!string.Equals(tuning.Input?.Name ?? "", oldTuning.Input?.Name ?? "", StringComparison.Ordinal)) Immutable("tuning.input.name", errors);
        }
    }

    /// <summary>count, partition, labelSelector (semantically) and instanceType (set once) of a ResourceSpec.</summary>
    public static void ResourceRules(ResourceSpec? updated, ResourceSpec? old, string path, NodeProvisioning provisioning, FieldErrors errors, string fix = Fix)
    {
        if ((updated?.Count ?? 1) != (old?.Count ?? 1)) Immutable($"{path}.count", errors, fix);
        if (!PartitionEqual(updated?.Partition, old?.Partition)) Immutable($"{path}.partition", errors, fix);
        if (!LabelSelectorRules.SemanticallyEqual(updated?.LabelSelector, old?.LabelSelector)) Immutable($"{path}.labelSelector", errors, fix);

        var before = old?.InstanceType ?? "";
        var after = updated?.InstanceType ?? "";
        if (before.Length == 0 || string.Equals(before, after, StringComparison.OrdinalIgnoreCase)) return;
        if (provisioning == NodeProvisioning.BringYourOwn && after.Length == 0) return; // clearing a legacy value
        errors.Forbidden($"{path}.instanceType", $"instanceType cannot change once set (was {before}); {fix}");
    }

    static string? Annotation(Workspace workspace, string key) =>
        workspace.Metadata?.Annotations?.TryGetValue(key, out var value) == true ? value : null;

    static void Immutable(string path, FieldErrors errors, string fix = Fix) => errors.Forbidden(path, $"field is immutable; {fix}");

    static bool PartitionEqual(PartitionSpec? a, PartitionSpec? b) =>
        (a is null && b is null) ||
        (a is not null && b is not null && a.Mode == b.Mode && (a.Profile ?? "") == (b.Profile ?? "") && a.Count == b.Count);

    static bool PresetEqual(PresetSpec? a, PresetSpec? b)
    {
        if (a is null || b is null) return a is null && b is null;
        return string.Equals(a.Name?.Trim() ?? "", b.Name?.Trim() ?? "", StringComparison.OrdinalIgnoreCase)
            && (a.AccessMode ?? "public") == (b.AccessMode ?? "public")
            && (a.PresetOptions?.Image ?? "") == (b.PresetOptions?.Image ?? "")
            && (a.PresetOptions?.ModelAccessSecret ?? "") == (b.PresetOptions?.ModelAccessSecret ?? "")
            && (a.PresetOptions?.ImagePullSecrets ?? []).SequenceEqual(b.PresetOptions?.ImagePullSecrets ?? [], StringComparer.Ordinal);
    }
}

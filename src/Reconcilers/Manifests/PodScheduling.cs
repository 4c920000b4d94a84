using k8s.Models;

namespace Kaito.Reconcilers.Manifests;

/// <summary>Tolerations, node affinity and GPU resources shared by inference and tuning pods.</summary>
public static class PodScheduling
{
    /// <summary>sku=gpu:NoSchedule (the taint provisioned nodes carry) and nvidia.com/gpu Exists NoSchedule.</summary>
    public static List<V1Toleration> GpuTolerations() =>
    [
        new() { Key = ManifestConstants.GpuResource, OperatorProperty = "Exists", Effect = "NoSchedule" },
        new() { Key = ManifestConstants.GpuTaintKey, OperatorProperty = "Equal", Value = ManifestConstants.GpuTaintValue, Effect = "NoSchedule" },
    ];

    /// <summary>Appends the GPU tolerations a user template does not already have.</summary>
    public static List<V1Toleration> MergeTolerations(IEnumerable<V1Toleration>? existing)
    {
        var merged = existing?.ToList() ?? [];
        foreach (var toleration in GpuTolerations())
        {
            if (!merged.Any(t => t.Key == toleration.Key && t.OperatorProperty == toleration.OperatorProperty
                && t.Value == toleration.Value && t.Effect == toleration.Effect))
                merged.Add(toleration);
        }
        return merged;
    }

    /// <summary>Required affinity to the planned nodes (kubernetes.io/hostname In names, sorted); null when there are none.</summary>
    public static V1Affinity? NodeAffinity(IReadOnlyList<string> nodeNames)
    {
        if (nodeNames.Count == 0) return null;
        var names = nodeNames.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return new V1Affinity
        {
            NodeAffinity = new V1NodeAffinity
            {
                RequiredDuringSchedulingIgnoredDuringExecution = new V1NodeSelector
                {
                    NodeSelectorTerms =
                    [
                        new V1NodeSelectorTerm
                        {
                            MatchExpressions = [new V1NodeSelectorRequirement { Key = ManifestConstants.HostnameLabel, OperatorProperty = "In", Values = names }],
                        },
                    ],
                },
            },
        };
    }

    /// <summary>Requests = limits = nvidia.com/gpu: gpus.</summary>
    public static V1ResourceRequirements GpuResources(int gpus)
    {
        var quantity = new ResourceQuantity(gpus.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return new V1ResourceRequirements
        {
            Requests = new Dictionary<string, ResourceQuantity> { [ManifestConstants.GpuResource] = quantity },
            Limits = new Dictionary<string, ResourceQuantity> { [ManifestConstants.GpuResource] = new ResourceQuantity(quantity.ToString()) },
        };
    }

    /// <summary>Secret names as references, deduplicated and sorted.</summary>
    public static List<V1LocalObjectReference>? PullSecrets(IEnumerable<string?> names)
    {
        var list = names.Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => n!.Trim())
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(n => new V1LocalObjectReference { Name = n }).ToList();
        return list.Count == 0 ? null : list;
    }

    public static V1EnvVar EnvVar(string name, string value) => new() { Name = name, Value = value };

    public static V1Volume SharedMemoryVolume() =>
        new() { Name = ManifestConstants.ShmVolume, EmptyDir = new V1EmptyDirVolumeSource { Medium = "Memory" } };

    public static V1Volume EmptyDir(string name) => new() { Name = name, EmptyDir = new V1EmptyDirVolumeSource() };

    public static V1Volume ConfigMapVolume(string name, string configMap) =>
        new() { Name = name, ConfigMap = new V1ConfigMapVolumeSource { Name = configMap } };

    public static V1VolumeMount Mount(string volume, string path, bool readOnly = false) =>
        new() { Name = volume, MountPath = path, ReadOnlyProperty = readOnly ? true : null };
}

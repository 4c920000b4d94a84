using System.Globalization;
using k8s.Models;
using Kaito.Api.V1Beta1;

namespace Kaito.Reconcilers.Manifests;

/// <summary>The children of a RAGEngine. DefaultGuardrails is set when guardrails are on without the user's own policy.</summary>
public sealed record RAGEngineWorkload(V1Deployment Deployment, V1Service Service, V1ConfigMap Config, V1ConfigMap? DefaultGuardrails);

/// <summary>
/// Builds the RAG service (docs/ragengine.md): a one-replica Deployment of the RAG image on port 5000, a Service
/// 80 → 5000, the settings both as environment and as a mounted JSON file, and secrets only as secretKeyRef.
/// </summary>
public static class RAGEngineManifests
{
    public const string DefaultImage = "aimodelsregistrytest.azurecr.io/kaito-rag-service:0.3.2";
    public const string ConfigSuffix = "-config";
    public const string GuardrailsSuffix = "-guardrails";
    public const string ConfigKey = "config.json";
    public const string GuardrailsKey = "guardrails.yaml";
    public const string ConfigPath = "/etc/ragengine/config";
    public const string GuardrailsPath = "/etc/ragengine/guardrails";
    public const string DefaultMountPath = "/mnt/data";
    public const string StorageVolume = "vector-db-storage";
    public const string ConfigVolume = "ragengine-config";
    public const string GuardrailsVolume = "guardrails-policy";
    public const string EmbeddingModelVolume = "embedding-model";
    public const string EmbeddingModelPath = "/mnt/embedding-model";
    public const string ConfigHashAnnotation = "ragengine.kaito.io/config-hash";

    public static RAGEngineWorkload Build(RAGEngine rag, RAGEngineWorkloadPlan plan)
    {
        var name = rag.Metadata.Name;
        var config = RAGEngineSettings.From(rag);
        var configMap = new V1ConfigMap
        {
            ApiVersion = "v1",
            Kind = "ConfigMap",
            Metadata = Metadata(rag, name + ConfigSuffix, plan.Revision),
            Data = new Dictionary<string, string> { [ConfigKey] = config.ToJson() },
        };
        V1ConfigMap? guardrails = null;
        if (config.GuardrailsEnabled && config.GuardrailsConfigMap is null)
        {
            guardrails = new V1ConfigMap
            {
                ApiVersion = "v1",
                Kind = "ConfigMap",
                Metadata = Metadata(rag, name + GuardrailsSuffix, plan.Revision),
                Data = new Dictionary<string, string> { [GuardrailsKey] = DefaultGuardrailsPolicy },
            };
        }
        return new RAGEngineWorkload(Deployment(rag, plan, config, configMap), Service(rag, plan), configMap, guardrails);
    }

    public static Dictionary<string, string> SelectorLabels(RAGEngine rag) => new() { [Labels.RAGEngine] = rag.Metadata.Name };

    static V1ObjectMeta Metadata(RAGEngine rag, string name, long revision) => new()
    {
        Name = name,
        NamespaceProperty = rag.Metadata.NamespaceProperty,
        Labels = new Dictionary<string, string>
        {
            [ManifestConstants.ManagedByLabel] = ManifestConstants.ManagedByValue,
            [Labels.RAGEngine] = rag.Metadata.Name,
        },
        Annotations = new Dictionary<string, string> { [Annotations.RAGEngineRevision] = revision.ToString(CultureInfo.InvariantCulture) },
        OwnerReferences =
        [
            new V1OwnerReference
            {
                ApiVersion = KaitoGroup.V1Beta1, Kind = RAGEngine.KindName, Name = rag.Metadata.Name, Uid = rag.Metadata.Uid,
                Controller = true, BlockOwnerDeletion = true,
            },
        ],
    };

    static V1Service Service(RAGEngine rag, RAGEngineWorkloadPlan plan)
    {
        var loadBalancer = rag.Metadata.Annotations?.TryGetValue(Annotations.EnableLoadBalancer, out var value) == true
            && string.Equals(value.Trim(), "true", StringComparison.OrdinalIgnoreCase);
        return new V1Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = Metadata(rag, rag.Metadata.Name, plan.Revision),
            Spec = new V1ServiceSpec
            {
                Type = loadBalancer ? InferenceManifests.LoadBalancerType : InferenceManifests.ClusterIpType,
                Selector = SelectorLabels(rag),
                Ports = [new V1ServicePort { Name = "http", Protocol = "TCP", Port = ManifestConstants.ServicePort, TargetPort = ManifestConstants.HttpPort }],
            },
        };
    }

    static V1Deployment Deployment(RAGEngine rag, RAGEngineWorkloadPlan plan, RAGEngineSettings config, V1ConfigMap configMap)
    {
        var name = rag.Metadata.Name;
        var volumes = new List<V1Volume>();
        var mounts = new List<V1VolumeMount>();
        if (plan.Gpus > 0)
        {
            volumes.Add(PodScheduling.SharedMemoryVolume());
            mounts.Add(PodScheduling.Mount(ManifestConstants.ShmVolume, ManifestConstants.ShmPath));
        }
        volumes.Add(config.PersistentVolumeClaim is { } claim
            ? new V1Volume { Name = StorageVolume, PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = claim } }
            : PodScheduling.EmptyDir(StorageVolume));
        mounts.Add(PodScheduling.Mount(StorageVolume, config.MountPath));
        volumes.Add(PodScheduling.ConfigMapVolume(ConfigVolume, configMap.Metadata.Name));
        mounts.Add(PodScheduling.Mount(ConfigVolume, ConfigPath, readOnly: true));
        if (config.GuardrailsEnabled)
        {
            volumes.Add(PodScheduling.ConfigMapVolume(GuardrailsVolume, config.GuardrailsConfigMap ?? name + GuardrailsSuffix));
            mounts.Add(PodScheduling.Mount(GuardrailsVolume, GuardrailsPath, readOnly: true));
        }

        List<V1Container>? init = null;
        if (rag.Spec?.Embedding?.Local?.Image is { Length: > 0 } modelImage)
        {
            // The embedding model ships as an image: copy its /data into a volume the service reads.
            volumes.Add(PodScheduling.EmptyDir(EmbeddingModelVolume));
            mounts.Add(PodScheduling.Mount(EmbeddingModelVolume, EmbeddingModelPath, readOnly: true));
            init =
            [
                new V1Container
                {
                    Name = "embedding-model",
                    Image = modelImage,
                    Command = ["/bin/sh", "-c", $"cp -r /data/. {EmbeddingModelPath}/"],
                    VolumeMounts = [PodScheduling.Mount(EmbeddingModelVolume, EmbeddingModelPath)],
                },
            ];
        }

        var container = new V1Container
        {
            Name = name,
            Image = plan.Image,
            Command = ["/bin/sh", "-c", "python3 main.py"],
            Env = RAGEngineEnvironment.For(rag, config),
            Ports = [new V1ContainerPort { Name = "http", ContainerPort = ManifestConstants.HttpPort, Protocol = "TCP" }],
            Resources = plan.Gpus > 0 ? PodScheduling.GpuResources(plan.Gpus) : CpuResources(),
            StartupProbe = Probe(periodSeconds: 10, failureThreshold: 60),
            LivenessProbe = Probe(periodSeconds: 10, failureThreshold: 3),
            ReadinessProbe = Probe(periodSeconds: 5, failureThreshold: 3),
            VolumeMounts = mounts,
        };

        // A GPU pod holds its node's GPUs and a PVC may be ReadWriteOnce: the old pod must go before the new one starts.
        var recreate = plan.Gpus > 0 || config.PersistentVolumeClaim is not null;
        return new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = Metadata(rag, name, plan.Revision),
            Spec = new V1DeploymentSpec
            {
                Replicas = 1,
                Selector = new V1LabelSelector { MatchLabels = SelectorLabels(rag) },
                Strategy = recreate
                    ? new V1DeploymentStrategy { Type = "Recreate" }
                    : new V1DeploymentStrategy { Type = "RollingUpdate", RollingUpdate = new V1RollingUpdateDeployment { MaxSurge = 1, MaxUnavailable = 0 } },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta
                    {
                        Labels = SelectorLabels(rag),
                        // The settings file changes without touching the pod spec; its hash rolls the pods.
                        Annotations = new Dictionary<string, string> { [ConfigHashAnnotation] = DnsNames.HexHash(configMap.Data[ConfigKey], 16) },
                    },
                    Spec = new V1PodSpec
                    {
                        InitContainers = init,
                        Containers = [container],
                        Volumes = volumes,
                        TerminationGracePeriodSeconds = 60,
                        Tolerations = plan.Gpus > 0 ? PodScheduling.GpuTolerations() : null,
                        Affinity = plan.NodeNames.Count > 0 ? PodScheduling.NodeAffinity(plan.NodeNames) : SelectorAffinity(plan.NodeSelector),
                        ImagePullSecrets = PodScheduling.PullSecrets([rag.Spec?.Embedding?.Local?.ImagePullSecret]),
                    },
                },
            },
        };
    }

    static V1ResourceRequirements CpuResources() => new()
    {
        Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("500m"), ["memory"] = new("512Mi") },
    };

    static V1Probe Probe(int periodSeconds, int failureThreshold) => new()
    {
        HttpGet = new V1HTTPGetAction { Path = "/health", Port = ManifestConstants.HttpPort },
        PeriodSeconds = periodSeconds,
        FailureThreshold = failureThreshold,
        TimeoutSeconds = 5,
    };

    /// <summary>The user's selector as a required node affinity: matchLabels as In terms, matchExpressions as given.</summary>
    static V1Affinity? SelectorAffinity(V1LabelSelector? selector)
    {
        if (selector is null) return null;
        var expressions = new List<V1NodeSelectorRequirement>();
        foreach (var (key, value) in (selector.MatchLabels ?? new Dictionary<string, string>()).OrderBy(p => p.Key, StringComparer.Ordinal))
            expressions.Add(new V1NodeSelectorRequirement { Key = key, OperatorProperty = "In", Values = [value] });
        foreach (var e in selector.MatchExpressions ?? [])
            expressions.Add(new V1NodeSelectorRequirement { Key = e.Key, OperatorProperty = e.OperatorProperty, Values = e.Values is { Count: > 0 } ? [.. e.Values] : null });
        if (expressions.Count == 0) return null;
        return new V1Affinity
        {
            NodeAffinity = new V1NodeAffinity
            {
                RequiredDuringSchedulingIgnoredDuringExecution = new V1NodeSelector { NodeSelectorTerms = [new V1NodeSelectorTerm { MatchExpressions = expressions }] },
            },
        };
    }

    /// <summary>The policy used when guardrails are enabled without a ConfigMap of the user's.</summary>
    public const string DefaultGuardrailsPolicy = """
        # Default output guardrails of Kaito for .NET RAGEngines. Replace by setting spec.guardrails.configMapRef.
        output:
          action: redact
          scanners:
            - type: secrets
            - type: regex
              name: email-address
              pattern: "[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}"
            - type: regex
              name: credit-card-number
              pattern: "\\b(?:\\d[ -]*?){13,16}\\b"

        """;
}

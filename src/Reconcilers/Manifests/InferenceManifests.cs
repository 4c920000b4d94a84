using k8s;
using k8s.Models;
using Kaito.Api.V1Beta1;

namespace Kaito.Reconcilers.Manifests;

/// <summary>The children of an inference Workspace. Exactly one of Deployment / StatefulSet is set.</summary>
public sealed record InferenceWorkload(V1Deployment? Deployment, V1StatefulSet? StatefulSet, V1Service Service, V1Service? HeadlessService);

/// <summary>
/// Builds the inference workload (docs/inference-workload.md). One node: a Deployment with the Recreate strategy
/// (the pod holds every GPU of its node, so a rolling update's extra pod could never schedule; the old pod must
/// go first). Several nodes: a StatefulSet with stable pod names, the leader being &lt;ws&gt;-0, plus a headless Service.
/// </summary>
public static class InferenceManifests
{
    public const string LoadBalancerType = "LoadBalancer";
    public const string ClusterIpType = "ClusterIP";

    public static InferenceWorkload Build(Workspace workspace, WorkloadPlan plan)
    {
        var name = workspace.Metadata.Name;
        var nodes = Math.Max(plan.Nodes, 1);
        var template = workspace.Inference?.Template is { } custom
            ? CustomTemplate(workspace, plan, custom)
            : PresetTemplate(workspace, plan, nodes);
        var selector = new V1LabelSelector { MatchLabels = OwnedMetadata.SelectorLabels(workspace) };
        var service = Service(workspace, plan, nodes);
        if (nodes == 1)
        {
            var deployment = new V1Deployment
            {
                ApiVersion = "apps/v1",
                Kind = "Deployment",
                Metadata = OwnedMetadata.For(workspace, name, plan.Revision),
                Spec = new V1DeploymentSpec
                {
                    Replicas = 1,
                    Selector = selector,
                    Strategy = new V1DeploymentStrategy { Type = "Recreate" },
                    Template = template,
                },
            };
            return new InferenceWorkload(deployment, null, service, null);
        }
        var statefulSet = new V1StatefulSet
        {
            ApiVersion = "apps/v1",
            Kind = "StatefulSet",
            Metadata = OwnedMetadata.For(workspace, name, plan.Revision),
            Spec = new V1StatefulSetSpec
            {
                Replicas = nodes,
                PodManagementPolicy = "Parallel",
                ServiceName = name + ManifestConstants.HeadlessSuffix,
                Selector = selector,
                Template = template,
            },
        };
        return new InferenceWorkload(null, statefulSet, service, HeadlessService(workspace, plan));
    }

    /// <summary>True when the workspace asks for a LoadBalancer (kaito.sh/enablelb, "true" in any case).</summary>
    public static bool LoadBalancerEnabled(Workspace workspace) =>
        workspace.Metadata.Annotations?.TryGetValue(Annotations.EnableLoadBalancer, out var value) == true
        && string.Equals(value.Trim(), "true", StringComparison.OrdinalIgnoreCase);

    static V1Service Service(Workspace workspace, WorkloadPlan plan, int nodes)
    {
        var selector = OwnedMetadata.SelectorLabels(workspace);
        if (nodes > 1) selector[ManifestConstants.PodNameLabel] = workspace.Metadata.Name + "-0";
        return new V1Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = OwnedMetadata.For(workspace, workspace.Metadata.Name, plan.Revision),
            Spec = new V1ServiceSpec
            {
                Type = LoadBalancerEnabled(workspace) ? LoadBalancerType : ClusterIpType,
                Selector = selector,
                Ports =
                [
                    new V1ServicePort { Name = "http", Protocol = "TCP", Port = ManifestConstants.ServicePort, TargetPort = ManifestConstants.HttpPort },
                ],
            },
        };
    }

    static V1Service HeadlessService(Workspace workspace, WorkloadPlan plan)
    {
        var ports = new List<V1ServicePort>
        {
            new() { Name = "torch", Protocol = "TCP", Port = ManifestConstants.TorchPort, TargetPort = ManifestConstants.TorchPort },
        };
        if (!IsTransformers(plan))
            ports.Add(new() { Name = "ray", Protocol = "TCP", Port = ManifestConstants.RayPort, TargetPort = ManifestConstants.RayPort });
        return new V1Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = OwnedMetadata.For(workspace, workspace.Metadata.Name + ManifestConstants.HeadlessSuffix, plan.Revision),
            Spec = new V1ServiceSpec
            {
                ClusterIP = "None",
                PublishNotReadyAddresses = true,
                Selector = OwnedMetadata.SelectorLabels(workspace),
                Ports = ports,
            },
        };
    }

    static V1PodTemplateSpec PresetTemplate(Workspace workspace, WorkloadPlan plan, int nodes)
    {
        var model = plan.Model ?? throw new InvalidOperationException(
            $"workspace {workspace.Metadata.NamespaceProperty}/{workspace.Metadata.Name}: a preset workload needs a model in the plan");
        var inference = workspace.Inference;
        var adapters = AdapterMounts.For(inference);
        var command = InferenceCommand.For(workspace, plan, model, adapters);

        var volumes = new List<V1Volume> { PodScheduling.SharedMemoryVolume() };
        var mounts = new List<V1VolumeMount> { PodScheduling.Mount(ManifestConstants.ShmVolume, ManifestConstants.ShmPath) };
        if (model.DownloadAtRuntime)
        {
            volumes.Add(PodScheduling.EmptyDir(ManifestConstants.WeightsVolume));
            mounts.Add(PodScheduling.Mount(ManifestConstants.WeightsVolume, ManifestConstants.WeightsPath));
        }
        if (!string.IsNullOrEmpty(inference?.Config))
        {
            volumes.Add(PodScheduling.ConfigMapVolume(ManifestConstants.ConfigVolume, inference.Config));
            mounts.Add(PodScheduling.Mount(ManifestConstants.ConfigVolume, ManifestConstants.ConfigPath, readOnly: true));
        }
        volumes.AddRange(adapters.Volumes);
        mounts.AddRange(adapters.MainMounts);

        var name = workspace.Metadata.Name;
        var leader = nodes > 1
            ? $"{name}-0.{name}{ManifestConstants.HeadlessSuffix}.{workspace.Metadata.NamespaceProperty}.svc.cluster.local"
            : null;
        var (startup, liveness, readiness) = InferenceProbes.For(model, leader);
        var preset = inference?.Preset;
        var container = new V1Container
        {
            Name = name,
            Image = plan.ImageOf(model),
            Command = [.. command.Command],
            Args = [.. command.Args],
            Env = Env(plan, preset, adapters),
            Ports = [new V1ContainerPort { Name = "http", ContainerPort = ManifestConstants.HttpPort, Protocol = "TCP" }],
            Resources = PodScheduling.GpuResources(plan.GpusPerNode),
            StartupProbe = startup,
            LivenessProbe = liveness,
            ReadinessProbe = readiness,
            VolumeMounts = mounts,
        };
        return new V1PodTemplateSpec
        {
            Metadata = new V1ObjectMeta { Labels = OwnedMetadata.SelectorLabels(workspace) },
            Spec = new V1PodSpec
            {
                InitContainers = adapters.InitContainers.Count > 0 ? [.. adapters.InitContainers] : null,
                Containers = [container],
                Volumes = volumes,
                Tolerations = PodScheduling.GpuTolerations(),
                Affinity = PodScheduling.NodeAffinity(plan.NodeNames),
                ImagePullSecrets = PodScheduling.PullSecrets([.. preset?.PresetOptions?.ImagePullSecrets ?? [], .. adapters.PullSecrets]),
            },
        };
    }

    static List<V1EnvVar> Env(WorkloadPlan plan, PresetSpec? preset, AdapterMounts adapters)
    {
        var env = new List<V1EnvVar> { PodScheduling.EnvVar("PYTORCH_CUDA_ALLOC_CONF", "expandable_segments:True") };
        if (!IsTransformers(plan)) env.Add(PodScheduling.EnvVar("VLLM_USE_FLASHINFER_SAMPLER", "0"));
        if (preset?.PresetOptions?.ModelAccessSecret is { Length: > 0 } secret) env.Add(HfToken(secret));
        env.AddRange(adapters.Env);
        return env;
    }

    /// <summary>HF_TOKEN from key HF_TOKEN of the model access Secret.</summary>
    public static V1EnvVar HfToken(string secret) => new()
    {
        Name = ManifestConstants.HfTokenKey,
        ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = secret, Key = ManifestConstants.HfTokenKey } },
    };

    /// <summary>The user's pod template as given, plus the workspace label, GPU tolerations and node affinity.</summary>
    static V1PodTemplateSpec CustomTemplate(Workspace workspace, WorkloadPlan plan, V1PodTemplateSpec custom)
    {
        var template = KubernetesJson.Deserialize<V1PodTemplateSpec>(KubernetesJson.Serialize(custom));
        template.Metadata ??= new V1ObjectMeta();
        var labels = new SortedDictionary<string, string>(template.Metadata.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal)
        {
            [Labels.Workspace] = workspace.Metadata.Name,
        };
        template.Metadata.Labels = new Dictionary<string, string>(labels);
        template.Spec ??= new V1PodSpec { Containers = [] };
        template.Spec.Tolerations = PodScheduling.MergeTolerations(template.Spec.Tolerations);
        if (PodScheduling.NodeAffinity(plan.NodeNames) is { } affinity)
        {
            template.Spec.Affinity ??= new V1Affinity();
            template.Spec.Affinity.NodeAffinity = affinity.NodeAffinity;
        }
        return template;
    }

    static bool IsTransformers(WorkloadPlan plan) => string.Equals(plan.Runtime, Runtimes.Transformers, StringComparison.OrdinalIgnoreCase);
}

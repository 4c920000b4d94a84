using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Kaito.Api.V1Beta1;
using Kaito.Reconcilers.Manifests;

namespace Kaito.Reconcilers.Tests;

public class InferenceManifestsTests
{
    static string TemplateJson(InferenceWorkload w) => KubernetesJson.Serialize(Fixtures.Template(w));

    static AdapterSpec ImageAdapter(string name, string strength = "1.0") =>
        new() { Source = new DataSource { Name = name, Image = $"registry.example/{name}:1" }, Strength = strength };

    [Fact]
    public void One_node_gives_a_recreate_deployment_and_a_cluster_ip_service()
    {
        var w = InferenceManifests.Build(Fixtures.Inference(), Fixtures.Plan());
        Assert.NotNull(w.Deployment);
        Assert.Null(w.StatefulSet);
        Assert.Null(w.HeadlessService);
        Assert.Equal("Recreate", w.Deployment.Spec.Strategy.Type);
        Assert.Equal(1, w.Deployment.Spec.Replicas);
        Assert.Equal("ClusterIP", w.Service.Spec.Type);
        var port = Assert.Single(w.Service.Spec.Ports);
        Assert.Equal((80, "5000", "http"), (port.Port, port.TargetPort.Value, port.Name));
        Assert.Equal(new Dictionary<string, string> { [Labels.Workspace] = "ws1" }, w.Service.Spec.Selector);
    }

    [Fact]
    public void Several_nodes_give_a_statefulset_and_a_headless_service_and_the_service_targets_the_leader()
    {
        var w = InferenceManifests.Build(Fixtures.Inference(), Fixtures.Plan(nodes: 3, gpus: 4));
        Assert.Null(w.Deployment);
        Assert.NotNull(w.StatefulSet);
        Assert.Equal(3, w.StatefulSet.Spec.Replicas);
        Assert.Equal("Parallel", w.StatefulSet.Spec.PodManagementPolicy);
        Assert.Equal("ws1-headless", w.StatefulSet.Spec.ServiceName);
        Assert.NotNull(w.HeadlessService);
        Assert.Equal("ws1-headless", w.HeadlessService.Metadata.Name);
        Assert.Equal("None", w.HeadlessService.Spec.ClusterIP);
        Assert.True(w.HeadlessService.Spec.PublishNotReadyAddresses);
        Assert.Contains(w.HeadlessService.Spec.Ports, p => p.Port == 29500);
        Assert.Equal("ws1-0", w.Service.Spec.Selector["statefulset.kubernetes.io/pod-name"]);
        var main = Fixtures.MainContainer(w);
        Assert.Contains("--pipeline-parallel-size=3", main.Args.Single(), StringComparison.Ordinal);
        Assert.Contains("--tensor-parallel-size=4", main.Args.Single(), StringComparison.Ordinal);
    }

    [Fact]
    public void Children_are_owned_labelled_and_carry_the_revision()
    {
        var w = InferenceManifests.Build(Fixtures.Inference(), Fixtures.Plan(nodes: 2) with { Revision = 7 });
        foreach (var meta in new[] { w.StatefulSet!.Metadata, w.Service.Metadata, w.HeadlessService!.Metadata })
        {
            Assert.Equal("default", meta.NamespaceProperty);
            Assert.Equal("ws1", meta.Labels[Labels.Workspace]);
            Assert.Equal("kaito", meta.Labels["app.kubernetes.io/managed-by"]);
            Assert.Equal("7", meta.Annotations[Annotations.WorkspaceRevision]);
            var owner = Assert.Single(meta.OwnerReferences);
            Assert.Equal(("kaito.sh/v1beta1", "Workspace", "ws1", Fixtures.Uid, true, true),
                (owner.ApiVersion, owner.Kind, owner.Name, owner.Uid, owner.Controller, owner.BlockOwnerDeletion));
        }
    }

    [Fact]
    public void Pod_has_gpu_limits_tolerations_affinity_probes_and_volumes()
    {
        var w = InferenceManifests.Build(Fixtures.Inference(), Fixtures.Plan(gpus: 2));
        var pod = Fixtures.Template(w);
        var main = Fixtures.MainContainer(w);
        Assert.Equal("ws1", main.Name);
        Assert.Equal("2", main.Resources.Limits["nvidia.com/gpu"].ToString());
        Assert.Equal("2", main.Resources.Requests["nvidia.com/gpu"].ToString());
        Assert.Contains(pod.Spec.Tolerations, t => t.Key == "sku" && t.Value == "gpu" && t.Effect == "NoSchedule");
        Assert.Contains(pod.Spec.Tolerations, t => t.Key == "nvidia.com/gpu" && t.OperatorProperty == "Exists");
        var requirement = pod.Spec.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms.Single().MatchExpressions.Single();
        Assert.Equal(("kubernetes.io/hostname", "In"), (requirement.Key, requirement.OperatorProperty));
        Assert.Equal(["node-0"], requirement.Values);
        Assert.Equal("/health", main.ReadinessProbe.HttpGet.Path);
        Assert.True(main.StartupProbe.FailureThreshold * main.StartupProbe.PeriodSeconds >= 30 * 60);
        Assert.Contains(pod.Spec.Volumes, v => v.Name == "dshm" && v.EmptyDir.Medium == "Memory");
        Assert.Contains(main.VolumeMounts, m => m.MountPath == "/dev/shm");
        Assert.Contains(main.Ports, p => p.ContainerPort == 5000 && p.Name == "http");
        Assert.Equal("mcr.microsoft.com/aks/kaito/kaito-phi-3-mini-4k-instruct:0.2.0", main.Image);
    }

    [Fact]
    public void Vllm_command_has_the_documented_flags_in_order()
    {
        var main = Fixtures.MainContainer(InferenceManifests.Build(Fixtures.Inference(), Fixtures.Plan(dtype: "float16", maxModelLen: 4096)));
        Assert.Equal(["python3", "/workspace/vllm/inference_api.py"], main.Command);
        Assert.Equal(
            ["--model=/workspace/weights", "--served-model-name=phi-3-mini-4k-instruct", "--dtype=float16", "--tensor-parallel-size=1",
             "--max-model-len=4096", "--gpu-memory-utilization=0.84", "--port=5000"],
            main.Args);
    }

    [Fact]
    public void Download_at_runtime_models_use_the_hf_id_a_weights_volume_and_the_access_secret()
    {
        var ws = Fixtures.Inference("llama-3.1-8b-instruct");
        ws.Inference!.Preset!.PresetOptions = new PresetOptions { ModelAccessSecret = "hf-secret", ImagePullSecrets = ["b", "a", "b"] };
        var w = InferenceManifests.Build(ws, Fixtures.Plan(preset: "llama-3.1-8b-instruct"));
        var main = Fixtures.MainContainer(w);
        Assert.Contains("--model=meta-llama/Llama-3.1-8B-Instruct", main.Args, StringComparer.OrdinalIgnoreCase);
        Assert.Contains("--download-dir=/workspace/weights", main.Args);
        Assert.Contains(main.VolumeMounts, m => m.MountPath == "/workspace/weights");
        var token = Assert.Single(main.Env, e => e.Name == "HF_TOKEN");
        Assert.Equal(("hf-secret", "HF_TOKEN"), (token.ValueFrom.SecretKeyRef.Name, token.ValueFrom.SecretKeyRef.Key));
        Assert.Equal(["a", "b"], Fixtures.Template(w).Spec.ImagePullSecrets.Select(s => s.Name));
    }

    [Fact]
    public void Float16_plan_on_a_v100_reaches_the_command()
    {
        var ws = Fixtures.Inference();
        ws.Resource!.InstanceType = "Standard_NC6s_v3";
        var plan = Fixtures.PlanFor(ws);
        Assert.Equal("float16", plan.Dtype);
        Assert.Contains("--dtype=float16", Fixtures.MainContainer(InferenceManifests.Build(ws, plan)).Args);
    }

    [Fact]
    public void Transformers_runtime_uses_accelerate_and_passes_adapters_and_strengths()
    {
        var ws = Fixtures.Inference();
        ws.Inference!.Adapters = [ImageAdapter("b-adapter", "0.5"), ImageAdapter("a-adapter")];
        var main = Fixtures.MainContainer(InferenceManifests.Build(ws, Fixtures.Plan(runtime: Runtimes.Transformers)));
        Assert.Equal(["accelerate", "launch"], main.Command);
        Assert.Contains("--pretrained_model_name_or_path=/workspace/weights", main.Args);
        Assert.Contains("--torch_dtype=bfloat16", main.Args);
        // The server has neither option: it listens on 5000 and loads what is under /mnt/adapter.
        Assert.DoesNotContain(main.Args, a => a.StartsWith("--port", StringComparison.Ordinal) || a.StartsWith("--adapters_dir", StringComparison.Ordinal));
        Assert.Contains(main.VolumeMounts, m => m.MountPath == "/mnt/adapter");
        // It reads each adapter's weight from the variable named as the adapter.
        Assert.Equal("0.5", main.Env.Single(e => e.Name == "b-adapter").Value);
        Assert.Equal("1.0", main.Env.Single(e => e.Name == "a-adapter").Value);
    }

    [Fact]
    public void Adapters_become_init_containers_in_spec_order_sharing_the_adapter_volume()
    {
        var ws = Fixtures.Inference();
        ws.Inference!.Adapters = [ImageAdapter("zeta"), ImageAdapter("alpha")];
        ws.Inference.Adapters[0].Source!.ImagePullSecrets = ["pull-z"];
        var w = InferenceManifests.Build(ws, Fixtures.Plan());
        var pod = Fixtures.Template(w);
        Assert.Equal(["zeta", "alpha"], pod.Spec.InitContainers.Select(c => c.Name));
        Assert.All(pod.Spec.InitContainers, c => Assert.Contains(c.VolumeMounts, m => m.Name == "adapter-volume" && m.MountPath == "/mnt/adapter"));
        Assert.Contains("/mnt/adapter/zeta", pod.Spec.InitContainers[0].Command[2], StringComparison.Ordinal);
        Assert.Contains(Fixtures.MainContainer(w).VolumeMounts, m => m.Name == "adapter-volume");
        var args = Fixtures.MainContainer(w).Args;
        Assert.Contains("--enable-lora", args);
        Assert.Equal(["zeta=/mnt/adapter/zeta", "alpha=/mnt/adapter/alpha"], args.SkipWhile(a => a != "--lora-modules").Skip(1));
        Assert.Equal(["pull-z"], pod.Spec.ImagePullSecrets.Select(s => s.Name));
    }

    [Fact]
    public void Volume_adapters_mount_the_volume_instead_of_an_init_container()
    {
        var ws = Fixtures.Inference();
        ws.Inference!.Adapters =
        [
            new AdapterSpec { Source = new DataSource { Name = "vol", VolumeSource = new JsonObject { ["persistentVolumeClaim"] = new JsonObject { ["claimName"] = "adapters" } } } },
        ];
        var w = InferenceManifests.Build(ws, Fixtures.Plan());
        var pod = Fixtures.Template(w);
        Assert.Null(pod.Spec.InitContainers);
        var volume = Assert.Single(pod.Spec.Volumes, v => v.PersistentVolumeClaim is not null);
        Assert.Equal("adapters", volume.PersistentVolumeClaim.ClaimName);
        Assert.Contains(Fixtures.MainContainer(w).VolumeMounts, m => m.Name == volume.Name && m.MountPath == "/mnt/adapter/vol" && m.ReadOnlyProperty == true);
    }

    [Fact]
    public void Adding_removing_or_changing_an_adapter_changes_the_pod_template()
    {
        var ws = Fixtures.Inference();
        var plan = Fixtures.Plan();
        var none = TemplateJson(InferenceManifests.Build(ws, plan));
        ws.Inference!.Adapters = [ImageAdapter("a")];
        var one = TemplateJson(InferenceManifests.Build(ws, plan));
        ws.Inference.Adapters = [ImageAdapter("a"), ImageAdapter("b")];
        var two = TemplateJson(InferenceManifests.Build(ws, plan));
        ws.Inference.Adapters = [ImageAdapter("a", "0.3"), ImageAdapter("b")];
        var strength = TemplateJson(InferenceManifests.Build(ws, plan));
        ws.Inference.Adapters = [ImageAdapter("a", "0.3"), ImageAdapter("b")];
        ws.Inference.Adapters[1].Source!.Image = "registry.example/b:2";
        var image = TemplateJson(InferenceManifests.Build(ws, plan));
        ws.Inference.Adapters = [ImageAdapter("a")];
        var removed = TemplateJson(InferenceManifests.Build(ws, plan));
        Assert.Equal(5, new[] { none, one, two, strength, image }.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(one, removed);
    }

    [Fact]
    public void Spec_changes_change_image_command_env_resources_and_probes()
    {
        var ws = Fixtures.Inference();
        var baseline = Fixtures.MainContainer(InferenceManifests.Build(ws, Fixtures.Plan()));
        var bigger = Fixtures.MainContainer(InferenceManifests.Build(ws, Fixtures.Plan(gpus: 2, maxModelLen: 2048)));
        Assert.NotEqual(KubernetesJson.Serialize(baseline.Resources), KubernetesJson.Serialize(bigger.Resources));
        Assert.NotEqual(baseline.Args, bigger.Args);
        var otherModel = Fixtures.MainContainer(InferenceManifests.Build(Fixtures.Inference("phi-4"), Fixtures.Plan(preset: "phi-4")));
        Assert.NotEqual(baseline.Image, otherModel.Image);
        var llama = Fixtures.MainContainer(InferenceManifests.Build(Fixtures.Inference("llama-3.3-70b-instruct"), Fixtures.Plan(preset: "llama-3.3-70b-instruct")));
        Assert.NotEqual(baseline.StartupProbe.FailureThreshold, llama.StartupProbe.FailureThreshold);
        ws.Inference!.Preset!.PresetOptions = new PresetOptions { ModelAccessSecret = "s" };
        Assert.NotEqual(KubernetesJson.Serialize(baseline.Env), KubernetesJson.Serialize(Fixtures.MainContainer(InferenceManifests.Build(ws, Fixtures.Plan())).Env));
    }

    [Fact]
    public void Inference_config_mounts_the_config_map_and_passes_the_file()
    {
        var ws = Fixtures.Inference();
        ws.Inference!.Config = "my-config";
        var w = InferenceManifests.Build(ws, Fixtures.Plan());
        Assert.Contains(Fixtures.Template(w).Spec.Volumes, v => v.ConfigMap?.Name == "my-config");
        Assert.Contains(Fixtures.MainContainer(w).VolumeMounts, m => m.MountPath == "/mnt/config" && m.ReadOnlyProperty == true);
        Assert.Contains("--kaito-config-file=/mnt/config/inference_config.yaml", Fixtures.MainContainer(w).Args);
    }

    [Theory]
    [InlineData("true", "LoadBalancer")]
    [InlineData("True", "LoadBalancer")]
    [InlineData("false", "ClusterIP")]
    public void Enablelb_gives_a_load_balancer(string value, string type)
    {
        var ws = Fixtures.Inference();
        ws.Metadata.Annotations = new Dictionary<string, string> { [Annotations.EnableLoadBalancer] = value };
        Assert.Equal(type, InferenceManifests.Build(ws, Fixtures.Plan()).Service.Spec.Type);
    }

    [Fact]
    public void Custom_template_keeps_the_users_containers_and_adds_labels_tolerations_and_affinity()
    {
        var ws = Fixtures.Inference();
        ws.Inference = new InferenceSpec
        {
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "mine" } },
                Spec = new V1PodSpec
                {
                    Containers = [new V1Container { Name = "server", Image = "example/server:1", Args = ["--serve"] }],
                    Tolerations = [new V1Toleration { Key = "sku", OperatorProperty = "Equal", Value = "gpu", Effect = "NoSchedule" }],
                },
            },
        };
        var w = InferenceManifests.Build(ws, Fixtures.Plan() with { Model = null });
        var pod = Fixtures.Template(w);
        var container = Assert.Single(pod.Spec.Containers);
        Assert.Equal(("server", "example/server:1"), (container.Name, container.Image));
        Assert.Equal(["--serve"], container.Args);
        Assert.Null(container.Command);
        Assert.Equal("mine", pod.Metadata.Labels["app"]);
        Assert.Equal("ws1", pod.Metadata.Labels[Labels.Workspace]);
        Assert.Equal(2, pod.Spec.Tolerations.Count);
        Assert.NotNull(pod.Spec.Affinity.NodeAffinity);
        Assert.Null(ws.Inference.Template.Spec.Affinity);
    }

    [Fact]
    public void Workload_revision_hash_is_stable_and_sensitive()
    {
        var ws = Fixtures.Inference();
        var a = InferenceManifests.Build(ws, Fixtures.Plan());
        var b = InferenceManifests.Build(ws, Fixtures.Plan());
        var c = InferenceManifests.Build(ws, Fixtures.Plan(gpus: 2));
        Assert.Equal(WorkloadRevision.Hash(a.Deployment, a.Service), WorkloadRevision.Hash(b.Deployment, b.Service));
        Assert.NotEqual(WorkloadRevision.Hash(a.Deployment), WorkloadRevision.Hash(c.Deployment));
        Assert.Matches("^[0-9a-f]{64}$", WorkloadRevision.Hash(a.Deployment));
    }
}

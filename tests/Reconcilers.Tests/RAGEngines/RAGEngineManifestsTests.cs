using k8s.Models;
using Kaito.Api.V1Beta1;
using Kaito.Reconcilers.Manifests;
using Kaito.Reconcilers.RAGEngines;
using static Kaito.Reconcilers.Tests.RAGEngines.RAGEngineFixtures;

namespace Kaito.Reconcilers.Tests.RAGEngines;

public sealed class RAGEngineManifestsTests
{
    static RAGEngineWorkload Build(RAGEngine rag, int gpus = 0) =>
        RAGEngineManifests.Build(rag, new RAGEngineWorkloadPlan { Image = RAGEngineManifests.DefaultImage, Gpus = gpus, NodeNames = gpus > 0 ? ["node-0"] : [] });

    static V1Container Container(RAGEngineWorkload workload) => workload.Deployment.Spec.Template.Spec.Containers[0];

    static V1EnvVar Env(RAGEngineWorkload workload, string name) => Container(workload).Env.Single(e => e.Name == name);

    [Fact]
    public void Every_secret_is_a_secret_key_reference_never_a_value_or_a_name()
    {
        var rag = Remote();
        rag.Spec!.InferenceService!.AccessSecret = "llm-secret";
        rag.Spec.Storage = new StorageSpec { VectorDB = new VectorDbSpec { Engine = "qdrant", Url = "http://qdrant:6333", AccessSecret = "db-secret" } };
        var workload = Build(rag);

        foreach (var (variable, secret) in new[] { ("EMBEDDING_ACCESS_SECRET", "embed-secret"), ("LLM_ACCESS_SECRET", "llm-secret"), ("VECTOR_DB_ACCESS_SECRET", "db-secret") })
        {
            var env = Env(workload, variable);
            Assert.Null(env.Value);
            Assert.Equal(secret, env.ValueFrom.SecretKeyRef.Name);
            Assert.Equal(variable, env.ValueFrom.SecretKeyRef.Key);
        }
        Assert.DoesNotContain(Container(workload).Env, e => e.Value is { } v && v.Contains("secret", StringComparison.Ordinal));
        Assert.DoesNotContain("secret", workload.Config.Data[RAGEngineManifests.ConfigKey], StringComparison.Ordinal);
    }

    [Fact]
    public void Remote_embedding_settings_reach_the_pod_and_the_config_file()
    {
        var workload = Build(Remote());

        Assert.Equal("remote", Env(workload, "EMBEDDING_TYPE").Value);
        Assert.Equal("https://embed.example.com/v1/embeddings", Env(workload, "REMOTE_EMBEDDING_URL").Value);
        Assert.Contains("\"url\": \"https://embed.example.com/v1/embeddings\"", workload.Config.Data[RAGEngineManifests.ConfigKey], StringComparison.Ordinal);
        Assert.Equal("qdrant", Env(Build(WithQdrant(Remote())), "VECTOR_DB_TYPE").Value);
    }

    static RAGEngine WithQdrant(RAGEngine rag)
    {
        rag.Spec!.Storage = new StorageSpec { VectorDB = new VectorDbSpec { Engine = "Qdrant", Url = "http://qdrant:6333" } };
        return rag;
    }

    [Fact]
    public void Service_maps_port_80_to_5000_and_selects_the_ragengine_pods()
    {
        var service = Build(Local(), gpus: 1).Service;

        Assert.Equal(80, service.Spec.Ports[0].Port);
        Assert.Equal("5000", service.Spec.Ports[0].TargetPort.Value);
        Assert.Equal("rag1", service.Spec.Selector[Labels.RAGEngine]);
    }

    [Fact]
    public void Gpu_service_gets_gpu_limits_tolerations_and_its_node_cpu_service_gets_cpu_requests_only()
    {
        var gpu = Build(Local(), gpus: 1);
        var cpu = Build(Remote());

        Assert.Equal("1", Container(gpu).Resources.Limits["nvidia.com/gpu"].ToString());
        Assert.NotNull(gpu.Deployment.Spec.Template.Spec.Tolerations);
        Assert.Equal("node-0", gpu.Deployment.Spec.Template.Spec.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms[0].MatchExpressions[0].Values[0]);
        Assert.Null(Container(cpu).Resources.Limits);
        Assert.Equal("500m", Container(cpu).Resources.Requests["cpu"].ToString());
        Assert.Null(cpu.Deployment.Spec.Template.Spec.Tolerations);
        Assert.Null(cpu.Deployment.Spec.Template.Spec.Affinity);
    }

    [Fact]
    public void Persistent_volume_claim_is_mounted_at_the_mount_path_and_the_index_persists_under_it()
    {
        var rag = Local();
        rag.Spec!.Storage = new StorageSpec { PersistentVolume = new PersistentVolumeSpec { PersistentVolumeClaim = "index", MountPath = "/data/" } };
        var workload = Build(rag, gpus: 1);

        var volume = workload.Deployment.Spec.Template.Spec.Volumes.Single(v => v.Name == RAGEngineManifests.StorageVolume);
        Assert.Equal("index", volume.PersistentVolumeClaim.ClaimName);
        Assert.Contains(Container(workload).VolumeMounts, m => m.Name == RAGEngineManifests.StorageVolume && m.MountPath == "/data");
        Assert.Equal("/data/rag1", Env(workload, "DEFAULT_VECTOR_DB_PERSIST_DIR").Value);
        Assert.Equal("Recreate", workload.Deployment.Spec.Strategy.Type);
    }

    [Fact]
    public void Guardrails_use_the_users_configmap_or_a_default_policy_the_operator_owns()
    {
        var rag = Remote();
        rag.Spec!.Guardrails = new GuardrailsSpec { Enabled = true };
        var byDefault = Build(rag);
        rag.Spec.Guardrails.ConfigMapRef = new ConfigMapReference { Name = "mine" };
        var own = Build(rag);

        Assert.NotNull(byDefault.DefaultGuardrails);
        Assert.Contains(byDefault.Deployment.Spec.Template.Spec.Volumes, v => v.ConfigMap?.Name == "rag1-guardrails");
        Assert.Null(own.DefaultGuardrails);
        Assert.Contains(own.Deployment.Spec.Template.Spec.Volumes, v => v.ConfigMap?.Name == "mine");
        Assert.Equal("true", Env(own, "OUTPUT_GUARDRAILS_ENABLED").Value);
    }

    [Fact]
    public void Changing_the_inference_url_or_the_embedding_changes_the_pod_template()
    {
        static string Template(RAGEngine rag) => k8s.KubernetesJson.Serialize(Build(rag).Deployment.Spec.Template);
        var before = Template(Remote());
        var newUrl = Remote();
        newUrl.Spec!.InferenceService!.Url = "http://ws2.ns1.svc.cluster.local/v1/chat/completions";
        var newEmbedding = Remote();
        newEmbedding.Spec!.Embedding!.Remote!.Url = "https://other.example.com/v1/embeddings";

        Assert.NotEqual(before, Template(newUrl));
        Assert.NotEqual(before, Template(newEmbedding));
        Assert.Equal(before, Template(Remote()));
    }

    [Fact]
    public void Nodeclaim_name_is_deterministic_and_carries_the_ragengine_labels()
    {
        var claim = RAGEngineNodeClaims.Build(Local(), "Standard_NC4as_T4_v3", "azure");

        Assert.Equal(RAGEngineNodeClaims.Name(Local()), claim.Metadata.Name);
        Assert.StartsWith("rag", claim.Metadata.Name, StringComparison.Ordinal);
        Assert.Equal("rag1", claim.Metadata.Labels[Labels.RAGEngine]);
        Assert.Equal("ns1", claim.Metadata.Labels[Labels.RAGEngineNamespace]);
        Assert.Equal("rag", claim.Metadata.Labels["apps"]);
        var other = Local();
        other.Metadata.Name = "rag2";
        Assert.NotEqual(claim.Metadata.Name, RAGEngineNodeClaims.Name(other));
    }
}

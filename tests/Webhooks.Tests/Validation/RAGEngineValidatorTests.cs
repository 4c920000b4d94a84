using k8s.Models;
using Kaito.Api.V1Beta1;
using Kaito.Webhooks.Validation;
using static Kaito.Webhooks.Tests.Validation.Manifests;

namespace Kaito.Webhooks.Tests.Validation;

public sealed class RAGEngineValidatorTests
{
    static RAGEngine Changed(Action<RAGEngineSpec> change)
    {
        var rag = Rag();
        change(rag.Spec!);
        return rag;
    }

    [Fact]
    public void Baseline_is_valid() => Valid(Create(Rag()));

    [Fact]
    public void Missing_spec_or_embedding_never_throws()
    {
        Single(Create(new RAGEngine { Metadata = new V1ObjectMeta { Name = "rag" } }), "spec", FieldErrorType.Required);
        Single(Create(Changed(s => s.Embedding = null)), "spec.embedding", FieldErrorType.Required);
        Single(Create(Changed(s => s.Embedding = new EmbeddingSpec())), "spec.embedding", FieldErrorType.Required);
        Assert.False(Update(new RAGEngine(), new RAGEngine()).Allowed);
        Assert.False(Create(Changed(s => s.Storage = new StorageSpec { PersistentVolume = new PersistentVolumeSpec(), VectorDB = new VectorDbSpec() })).Allowed);
    }

    [Fact]
    public void Embedding_rules()
    {
        Single(Create(Changed(s => s.Embedding!.Remote = new RemoteEmbeddingSpec { Url = "https://e.example.com" })), "spec.embedding.remote", FieldErrorType.Forbidden);
        Single(Create(Changed(s => s.Embedding!.Local = new LocalEmbeddingSpec())), "spec.embedding.local", FieldErrorType.Required);
        Single(Create(Changed(s => s.Embedding!.Local!.Image = "registry.io/embed:1")), "spec.embedding.local.modelID", FieldErrorType.Forbidden);
        Single(Create(Changed(s => s.Embedding!.Local!.ModelId = "BAAI/bge-small/v1")), "spec.embedding.local.modelID", FieldErrorType.Invalid);
        // Ids without an owner are canonical Hub models (KAITO's own test table accepts valid-model-id).
        Valid(Create(Changed(s => s.Embedding!.Local!.ModelId = "valid-model-id")));
        Single(Create(Changed(s => s.Embedding!.Local = new LocalEmbeddingSpec { Image = "registry.io/embed:" })), "spec.embedding.local.image", FieldErrorType.Invalid);
        Valid(Create(Changed(s => s.Embedding!.Local = new LocalEmbeddingSpec { Image = "registry.io/embed:1" })));
        Single(Create(Changed(s => s.Embedding = new EmbeddingSpec { Remote = new RemoteEmbeddingSpec { Url = "ftp://e" } })), "spec.embedding.remote.url", FieldErrorType.Invalid);
        Single(Create(Changed(s => s.Embedding = new EmbeddingSpec { Remote = new RemoteEmbeddingSpec() })), "spec.embedding.remote.url", FieldErrorType.Required);
    }

    [Fact]
    public void Inference_service_rules()
    {
        Single(Create(Changed(s => s.InferenceService!.Url = "not a url")), "spec.inferenceService.url", FieldErrorType.Invalid);
        Single(Create(Changed(s => s.InferenceService!.ContextWindowSize = 0)), "spec.inferenceService.contextWindowSize", FieldErrorType.Invalid);
        Single(Create(Changed(s => s.InferenceService!.ContextWindowSize = null)), "spec.inferenceService.contextWindowSize", FieldErrorType.Required);
        Valid(Create(Changed(s => s.InferenceService!.Url = null)));
    }

    [Fact]
    public void Compute_rules()
    {
        var error = Single(Create(Changed(s => s.Compute!.InstanceType = "Standard_NC4as_T4_v4")), "spec.compute.instanceType", FieldErrorType.NotSupported);
        Assert.Contains("Standard_NC4as_T4_v3", error.Detail, StringComparison.Ordinal);
        Single(Create(Changed(s => s.Compute!.LabelSelector = null)), "spec.compute.labelSelector", FieldErrorType.Required);
        Single(Create(Changed(s => s.Compute!.LabelSelector!.MatchLabels = new Dictionary<string, string> { ["kaito.sh/ragengine"] = "x" })),
            "spec.compute.labelSelector.matchLabels", FieldErrorType.Invalid);
        Valid(Create(Changed(s => s.Compute = null)));
    }

    [Fact]
    public void Remote_embedding_needs_no_gpu_sku()
    {
        var rag = Changed(s =>
        {
            s.Embedding = new EmbeddingSpec { Remote = new RemoteEmbeddingSpec { Url = "https://e.example.com/v1" } };
            s.Compute!.InstanceType = "Standard_D8s_v3";
        });
        Valid(Create(rag));
        rag.Spec!.Compute!.InstanceType = "Standard D8s";
        Single(Create(rag), "spec.compute.instanceType", FieldErrorType.Invalid);
    }

    [Fact]
    public void Storage_rules()
    {
        Single(Create(Changed(s => s.Storage = new StorageSpec { PersistentVolume = new PersistentVolumeSpec { PersistentVolumeClaim = "Bad_PVC" } })),
            "spec.storage.persistentVolume.persistentVolumeClaim", FieldErrorType.Invalid);
        Single(Create(Changed(s => s.Storage = new StorageSpec { PersistentVolume = new PersistentVolumeSpec { PersistentVolumeClaim = "pvc", MountPath = "data" } })),
            "spec.storage.persistentVolume.mountPath", FieldErrorType.Invalid);
        Single(Create(Changed(s => s.Storage = new StorageSpec { VectorDB = new VectorDbSpec { Engine = "milvus", Url = "http://milvus:19530" } })),
            "spec.storage.vectorDB.engine", FieldErrorType.NotSupported);
        Single(Create(Changed(s => s.Storage = new StorageSpec { VectorDB = new VectorDbSpec { Engine = "qdrant", Url = "qdrant:6333" } })),
            "spec.storage.vectorDB.url", FieldErrorType.Invalid);
        Valid(Create(Changed(s => s.Storage = new StorageSpec { VectorDB = new VectorDbSpec { Engine = "qdrant", Url = "http://qdrant.default.svc:6333" } })));
    }

    [Fact]
    public void Legacy_storage_warns_and_cannot_be_mixed()
    {
        var legacy = Create(Changed(s => s.Storage = new StorageSpec { PersistentVolumeClaim = "pvc", MountPath = "/mnt/data" }));
        Valid(legacy);
        Assert.Contains(legacy.Warnings, w => w.Contains("deprecated", StringComparison.Ordinal));
        Single(Create(Changed(s => s.Storage = new StorageSpec { PersistentVolumeClaim = "pvc", PersistentVolume = new PersistentVolumeSpec { PersistentVolumeClaim = "pvc" } })),
            "spec.storage.persistentVolumeClaim", FieldErrorType.Forbidden);
    }

    [Fact]
    public void Guardrails_config_map()
    {
        var rag = Changed(s => s.Guardrails = new GuardrailsSpec { Enabled = true, ConfigMapRef = new ConfigMapReference { Name = "policy" } });
        Single(Create(rag, cluster: new FakeCluster()), "spec.guardrails.configMapRef.name", FieldErrorType.Invalid);
        Single(Create(rag, cluster: new FakeCluster().WithConfigMap("policy", "other.yaml", "")), "spec.guardrails.configMapRef.name", FieldErrorType.Required);
        Valid(Create(rag, cluster: new FakeCluster().WithConfigMap("policy", "guardrails.yaml", "rules: []")));
        var offline = Create(rag);
        Valid(offline);
        Assert.Contains(offline.Warnings, w => w.Contains("not checked", StringComparison.Ordinal));
        Valid(Create(Changed(s => s.Guardrails = new GuardrailsSpec { Enabled = true }), cluster: new FakeCluster()));
        Valid(Create(Changed(s => s.Guardrails = new GuardrailsSpec { Enabled = false, ConfigMapRef = new ConfigMapReference { Name = "gone" } }), cluster: new FakeCluster()));
    }

    [Fact]
    public void Deprecated_service_names_warn()
    {
        var result = Create(Changed(s => { s.QueryServiceName = "q"; s.IndexServiceName = "i"; }));
        Valid(result);
        Assert.Equal(2, result.Warnings.Count);
    }

    [Fact]
    public void Update_rules()
    {
        Valid(Update(Rag(), Rag()));
        Single(Update(Changed(s => s.Compute = null), Rag()), "spec.compute", FieldErrorType.Forbidden);
        Single(Update(Rag(), Changed(s => s.Compute = null)), "spec.compute", FieldErrorType.Forbidden);
        Single(Update(Changed(s => s.Compute!.InstanceType = "Standard_NC8as_T4_v3"), Rag()), "spec.compute.instanceType", FieldErrorType.Forbidden);
        Single(Update(Changed(s => s.Compute!.LabelSelector!.MatchLabels["apps"] = "x"), Rag()), "spec.compute.labelSelector", FieldErrorType.Forbidden);
        Single(Update(Changed(s => s.InferenceService!.ContextWindowSize = -1), Rag()), "spec.inferenceService.contextWindowSize", FieldErrorType.Invalid);
    }

    [Fact]
    public void V1alpha1_gets_the_same_rules()
    {
        var rag = Changed(s => s.Embedding!.Local!.ModelId = "-starts-with-a-dash");
        rag.ApiVersion = "kaito.sh/v1alpha1";
        Single(Create(rag), "spec.embedding.local.modelID", FieldErrorType.Invalid);
    }
}

using System.ComponentModel;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using Kaito.Api.V1Beta1.Schema;

namespace Kaito.Api.V1Beta1;

/// <summary>A retrieval-augmented generation service: embedding, vector store and an inference backend.</summary>
[KubernetesEntity(Group = KaitoGroup.Name, ApiVersion = "v1beta1", Kind = "RAGEngine", PluralName = "ragengines")]
[CrdNames("ragengine", "ragengines", ShortNames = ["rag"], Categories = ["ragengine"])]
[CrdVersion("v1alpha1", Deprecated = true, DeprecationWarning = "kaito.sh/v1alpha1 RAGEngine is deprecated; use kaito.sh/v1beta1 RAGEngine")]
[CrdVersion("v1beta1", Storage = true)]
[CrdPrinterColumn("Instance", "string", ".spec.compute.instanceType")]
[CrdPrinterColumn("ResourceReady", "string", ".status.conditions[?(@.type==\"ResourceReady\")].status")]
[CrdPrinterColumn("ServiceReady", "string", ".status.conditions[?(@.type==\"ServiceReady\")].status")]
[CrdPrinterColumn("Age", "date", ".metadata.creationTimestamp")]
public sealed class RAGEngine : IKubernetesObject<V1ObjectMeta>
{
    public const string KindName = "RAGEngine";
    public const string Plural = "ragengines";

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = KaitoGroup.V1Beta1;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = KindName;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    [Description("Desired RAG service.")]
    public RAGEngineSpec? Spec { get; set; }

    [JsonPropertyName("status")]
    [Description("Observed state, written by the operator.")]
    public RAGEngineStatus? Status { get; set; }
}

public sealed class RAGEngineList : IKubernetesObject<V1ListMeta>, IItems<RAGEngine>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = KaitoGroup.V1Beta1;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "RAGEngineList";

    [JsonPropertyName("metadata")]
    public V1ListMeta Metadata { get; set; } = new();

    [JsonPropertyName("items")]
    public IList<RAGEngine> Items { get; set; } = [];
}

[Description("Desired RAG service.")]
public sealed class RAGEngineSpec
{
    [JsonPropertyName("compute")]
    [Description("Nodes for the RAG service; GPU nodes are only needed for a local embedding model on a GPU SKU.")]
    public ResourceSpec? Compute { get; set; }

    [JsonPropertyName("storage")]
    [Description("Where the index is kept. Absent: an in-memory FAISS store.")]
    public StorageSpec? Storage { get; set; }

    [JsonPropertyName("embedding")]
    [CrdRequired]
    [Description("The embedding model: exactly one of remote or local.")]
    public EmbeddingSpec? Embedding { get; set; }

    [JsonPropertyName("inferenceService")]
    [Description("The OpenAI-compatible inference backend. Without url the service only retrieves.")]
    public InferenceServiceSpec? InferenceService { get; set; }

    [JsonPropertyName("guardrails")]
    [Description("Output guardrails.")]
    public GuardrailsSpec? Guardrails { get; set; }

    [JsonPropertyName("queryServiceName")]
    [Description("Deprecated (v1alpha1): name of the query service.")]
    public string? QueryServiceName { get; set; }

    [JsonPropertyName("indexServiceName")]
    [Description("Deprecated (v1alpha1): name of the index service.")]
    public string? IndexServiceName { get; set; }
}

[Description("Index storage.")]
public sealed class StorageSpec
{
    [JsonPropertyName("persistentVolume")]
    [Description("Persist the built-in vector store on a PersistentVolumeClaim.")]
    public PersistentVolumeSpec? PersistentVolume { get; set; }

    [JsonPropertyName("vectorDB")]
    [Description("Use a remote vector database instead of the built-in store.")]
    public VectorDbSpec? VectorDB { get; set; }

    [JsonPropertyName("persistentVolumeClaim")]
    [Description("Deprecated (v1alpha1): name of the PersistentVolumeClaim; use persistentVolume.persistentVolumeClaim.")]
    public string? PersistentVolumeClaim { get; set; }

    [JsonPropertyName("mountPath")]
    [Description("Deprecated (v1alpha1): mount path; use persistentVolume.mountPath.")]
    public string? MountPath { get; set; }
}

[Description("A PersistentVolumeClaim for the index.")]
public sealed class PersistentVolumeSpec
{
    [JsonPropertyName("persistentVolumeClaim")]
    [CrdRequired]
    [Description("Name of a PersistentVolumeClaim in the same namespace.")]
    public string? PersistentVolumeClaim { get; set; }

    [JsonPropertyName("mountPath")]
    [Description("Where the volume is mounted in the RAG service; /mnt/data when empty.")]
    public string? MountPath { get; set; }
}

[Description("A remote vector database.")]
public sealed class VectorDbSpec
{
    [JsonPropertyName("engine")]
    [CrdRequired]
    [Description("Vector database engine, for example qdrant.")]
    public string? Engine { get; set; }

    [JsonPropertyName("url")]
    [CrdRequired]
    [Description("URL of the vector database.")]
    public string? Url { get; set; }

    [JsonPropertyName("accessSecret")]
    [Description("Name of a Secret with key VECTOR_DB_ACCESS_SECRET.")]
    public string? AccessSecret { get; set; }
}

[Description("The embedding model.")]
public sealed class EmbeddingSpec
{
    [JsonPropertyName("remote")]
    [Description("A remote embedding endpoint.")]
    public RemoteEmbeddingSpec? Remote { get; set; }

    [JsonPropertyName("local")]
    [Description("An embedding model run inside the RAG service.")]
    public LocalEmbeddingSpec? Local { get; set; }
}

[Description("A remote embedding endpoint.")]
public sealed class RemoteEmbeddingSpec
{
    [JsonPropertyName("url")]
    [CrdRequired]
    [Description("URL of the embedding endpoint.")]
    public string? Url { get; set; }

    [JsonPropertyName("accessSecret")]
    [Description("Name of a Secret holding the endpoint's access key.")]
    public string? AccessSecret { get; set; }
}

[Description("A local embedding model.")]
public sealed class LocalEmbeddingSpec
{
    [JsonPropertyName("image")]
    [Description("Image containing the embedding model.")]
    public string? Image { get; set; }

    [JsonPropertyName("imagePullSecret")]
    [Description("Secret used to pull the image.")]
    public string? ImagePullSecret { get; set; }

    [JsonPropertyName("modelID")]
    [Description("Hugging Face model id, for example BAAI/bge-small-en-v1.5.")]
    public string? ModelId { get; set; }

    [JsonPropertyName("modelAccessSecret")]
    [Description("Name of a Secret with key HF_TOKEN for gated models.")]
    public string? ModelAccessSecret { get; set; }
}

[Description("The inference backend.")]
public sealed class InferenceServiceSpec
{
    [JsonPropertyName("url")]
    [Description("URL of an OpenAI-compatible endpoint; absent means retrieval only.")]
    public string? Url { get; set; }

    [JsonPropertyName("accessSecret")]
    [Description("Name of a Secret holding the endpoint's access key.")]
    public string? AccessSecret { get; set; }

    [JsonPropertyName("contextWindowSize")]
    [CrdRequired]
    [Description("Context window of the inference model, in tokens.")]
    public int? ContextWindowSize { get; set; }
}

[Description("Output guardrails.")]
public sealed class GuardrailsSpec
{
    [JsonPropertyName("enabled")]
    [Description("Whether guardrails are applied.")]
    public bool? Enabled { get; set; }

    [JsonPropertyName("configMapRef")]
    [Description("ConfigMap with key guardrails.yaml; the chart's default policy when absent.")]
    public ConfigMapReference? ConfigMapRef { get; set; }
}

[Description("A ConfigMap in the same namespace.")]
public sealed class ConfigMapReference
{
    [JsonPropertyName("name")]
    [CrdRequired]
    [Description("Name of the ConfigMap.")]
    public string? Name { get; set; }
}

[Description("Observed state of a RAGEngine.")]
public sealed class RAGEngineStatus
{
    [JsonPropertyName("workerNodes")]
    [Description("Nodes the service runs on.")]
    public IList<string>? WorkerNodes { get; set; }

    [JsonPropertyName("conditions")]
    [Description("Current conditions: ResourceReady, ServiceReady, RAGEngineSucceeded.")]
    public IList<V1Condition>? Conditions { get; set; }
}

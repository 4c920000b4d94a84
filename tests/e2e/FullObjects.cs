using System.Text.Json.Nodes;
using k8s.Models;
using Kaito.Api.V1Beta1;

namespace Kaito.E2E.Tests;

/// <summary>Objects with every field of the API set, for round-trip tests.</summary>
static class FullObjects
{
    static readonly DateTime Transition = new(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);

    static ResourceSpec Resource() => new()
    {
        Count = 2,
        InstanceType = "Standard_NC24ads_A100_v4",
        LabelSelector = new V1LabelSelector
        {
            MatchLabels = new Dictionary<string, string> { ["apps"] = "full" },
            MatchExpressions = [new V1LabelSelectorRequirement { Key = "gpu", OperatorProperty = "In", Values = ["a100", "h100"] }],
        },
        PreferredNodes = ["node-a", "node-b"],
        Partition = new PartitionSpec { Mode = "accelerator", Profile = "1g.10gb", Count = 2 },
    };

    static DataSource Source(string name) => new()
    {
        Name = name,
        Urls = ["https://example.com/data.parquet?download=true"],
        VolumeSource = new JsonObject { ["persistentVolumeClaim"] = new JsonObject { ["claimName"] = name + "-pvc" } },
        Image = $"registry.example.com/{name}:1.0",
        ImagePullSecrets = ["pull-secret"],
    };

    static V1Condition Condition(string type, string status) => new()
    {
        Type = type, Status = status, Reason = type + "Reason", Message = "observed " + type,
        LastTransitionTime = Transition, ObservedGeneration = 1,
    };

    public static Workspace Workspace(string ns) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = "full", NamespaceProperty = ns,
            // Paused: the operator must not touch an object whose stored form the test compares.
            Annotations = new Dictionary<string, string> { [Annotations.Runtime] = Runtimes.Transformers, [Annotations.Paused] = "true" },
        },
        Resource = Resource(),
        Inference = new InferenceSpec
        {
            Preset = new PresetSpec
            {
                Name = "phi-3-mini-128k-instruct",
                AccessMode = "private",
                PresetOptions = new PresetOptions { Image = "registry.example.com/phi-3:1", ImagePullSecrets = ["pull"], ModelAccessSecret = "hf-token" },
            },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "custom" } },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "server", Image = "registry.example.com/server:2", Args = ["--port", "5000"] }] },
            },
            Config = "inference-params",
            Adapters = [new AdapterSpec { Source = Source("adapter-one"), Strength = "0.5" }],
        },
        Tuning = new TuningSpec
        {
            Preset = new PresetSpec { Name = "phi-3-mini-128k-instruct", AccessMode = "public" },
            Method = "qlora",
            Config = "training-params",
            Input = Source("train-data"),
            Output = new DataDestination
            {
                VolumeSource = new JsonObject { ["emptyDir"] = new JsonObject { ["sizeLimit"] = "10Gi" } },
                Image = "registry.example.com/adapter:1",
                ImagePushSecret = "push-secret",
            },
        },
        Status = new WorkspaceStatus
        {
            WorkerNodes = ["node-a"],
            Conditions =
            [
                Condition(ConditionTypes.ResourceReady, "True"),
                Condition(ConditionTypes.InferenceReady, "False"),
                Condition(ConditionTypes.WorkspaceSucceeded, "False"),
            ],
            State = WorkspaceStates.NotReady,
            TargetNodeCount = 2,
            Performance = new PerformanceStatus
            {
                Metrics = new Dictionary<string, PerformanceMetric>
                {
                    ["throughput"] = new() { Description = "output tokens per second", Value = "1234.5", Unit = "tokens/s", Config = new Dictionary<string, string> { ["concurrency"] = "8" } },
                },
            },
        },
    };

    public static RAGEngine RAGEngine(string ns) => new()
    {
        // Paused, like the Workspace: the RAGEngine reconciler must not add its finalizer to the object being compared.
        Metadata = new V1ObjectMeta { Name = "full-rag", NamespaceProperty = ns, Annotations = new Dictionary<string, string> { [Annotations.Paused] = "true" } },
        Spec = new RAGEngineSpec
        {
            Compute = Resource(),
            Storage = new StorageSpec
            {
                PersistentVolume = new PersistentVolumeSpec { PersistentVolumeClaim = "index", MountPath = "/mnt/index" },
                VectorDB = new VectorDbSpec { Engine = "qdrant", Url = "http://qdrant:6333", AccessSecret = "qdrant-key" },
                PersistentVolumeClaim = "legacy-index",
                MountPath = "/mnt/legacy",
            },
            Embedding = new EmbeddingSpec
            {
                Remote = new RemoteEmbeddingSpec { Url = "https://embed.example.com/v1/embeddings", AccessSecret = "embed-key" },
                Local = new LocalEmbeddingSpec { Image = "registry.example.com/embed:1", ImagePullSecret = "pull", ModelId = "BAAI/bge-small-en-v1.5", ModelAccessSecret = "hf-token" },
            },
            InferenceService = new InferenceServiceSpec { Url = "http://phi/v1/chat/completions", AccessSecret = "llm-key", ContextWindowSize = 4096 },
            Guardrails = new GuardrailsSpec { Enabled = true, ConfigMapRef = new ConfigMapReference { Name = "policy" } },
            QueryServiceName = "query",
            IndexServiceName = "index",
        },
        Status = new RAGEngineStatus
        {
            WorkerNodes = ["node-a"],
            Conditions = [Condition(ConditionTypes.ResourceReady, "True"), Condition(ConditionTypes.ServiceReady, "False")],
        },
    };
}

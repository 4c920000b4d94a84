using System.Text.Json.Nodes;

namespace Kaito.Webhooks.Tests.Fuzz;

/// <summary>Well-formed objects from examples/ (as JSON) that the fuzzer starts from, and their field paths.</summary>
static class SeedObjects
{
    public static readonly string[] Workspaces =
    [
        """{"apiVersion":"kaito.sh/v1beta1","kind":"Workspace","metadata":{"name":"workspace-phi-3-5-mini","namespace":"default"},"resource":{"instanceType":"Standard_NC24ads_A100_v4","labelSelector":{"matchLabels":{"apps":"phi-3-5"}}},"inference":{"preset":{"name":"phi-3.5-mini-instruct"}}}""",
        """{"apiVersion":"kaito.sh/v1alpha1","kind":"Workspace","metadata":{"name":"workspace-phi-3-mini-adapter"},"resource":{"instanceType":"Standard_NC6s_v3","labelSelector":{"matchLabels":{"apps":"phi-3-adapter"}}},"inference":{"preset":{"name":"phi-3-mini-128k-instruct"},"adapters":[{"source":{"name":"phi-3-adapter","image":"example.azurecr.io/adapter:0.0.1"},"strength":"0.5"}]}}""",
        """{"apiVersion":"kaito.sh/v1alpha1","kind":"Workspace","metadata":{"name":"workspace-tuning-phi-3"},"resource":{"labelSelector":{"matchLabels":{"app":"tuning-phi-3"}}},"tuning":{"preset":{"name":"phi-3-mini-128k-instruct"},"method":"QLoRA","input":{"urls":["https://example.com/train.parquet"]},"output":{"image":"example.azurecr.io/out:0.0.1","imagePushSecret":"push"}}}""",
    ];

    public static readonly string[] RAGEngines =
    [
        """{"apiVersion":"kaito.sh/v1beta1","kind":"RAGEngine","metadata":{"name":"ragengine-local-embedding"},"spec":{"compute":{"instanceType":"Standard_NC4as_T4_v3","labelSelector":{"matchLabels":{"apps":"ragengine-local"}}},"storage":{"persistentVolume":{"persistentVolumeClaim":"ragengine-index","mountPath":"/mnt/data"}},"embedding":{"local":{"modelID":"BAAI/bge-small-en-v1.5"}},"inferenceService":{"url":"http://workspace-phi-3-5-mini.default.svc.cluster.local/v1/chat/completions","contextWindowSize":131072}}}""",
        """{"apiVersion":"kaito.sh/v1beta1","kind":"RAGEngine","metadata":{"name":"ragengine-remote-embedding"},"spec":{"compute":{"instanceType":"Standard_D8s_v3","labelSelector":{"matchLabels":{"apps":"ragengine-remote"}}},"embedding":{"remote":{"url":"https://myembeddings.example.com/v1/embeddings","accessSecret":"embedding-access-secret"}},"inferenceService":{"url":"http://workspace-phi-3-mini.default.svc.cluster.local/v1/chat/completions","contextWindowSize":4096}}}""",
    ];

    static readonly object[][] CommonPaths =
    [
        ["apiVersion"], ["kind"], ["metadata"], ["metadata", "name"], ["metadata", "namespace"], ["metadata", "annotations"],
        ["metadata", "annotations", "kaito.sh/runtime"], ["metadata", "annotations", "kubectl.kubernetes.io/last-applied-configuration"], ["metadata", "labels"], ["metadata", "uid"], ["status"], ["status", "conditions"],
    ];

    public static readonly object[][] WorkspacePaths =
    [
        .. CommonPaths,
        ["resource"], ["resource", "count"], ["resource", "instanceType"], ["resource", "labelSelector"],
        ["resource", "labelSelector", "matchLabels"], ["resource", "labelSelector", "matchExpressions"], ["resource", "preferredNodes"],
        ["resource", "partition"], ["resource", "partition", "profile"], ["resource", "partition", "count"],
        ["inference"], ["inference", "preset"], ["inference", "preset", "name"], ["inference", "preset", "accessMode"],
        ["inference", "preset", "presetOptions"], ["inference", "preset", "presetOptions", "modelAccessSecret"], ["inference", "template"],
        ["inference", "config"], ["inference", "adapters"], ["inference", "adapters", 0], ["inference", "adapters", 0, "strength"],
        ["inference", "adapters", 0, "source"], ["inference", "adapters", 0, "source", "name"], ["inference", "adapters", 0, "source", "urls"],
        ["inference", "adapters", 0, "source", "volumeSource"], ["inference", "adapters", 0, "source", "image"], ["inference", "adapters", 1],
        ["tuning"], ["tuning", "method"], ["tuning", "preset"], ["tuning", "preset", "name"], ["tuning", "config"], ["tuning", "input"],
        ["tuning", "input", "urls"], ["tuning", "input", "urls", 0], ["tuning", "input", "volumeSource"], ["tuning", "input", "image"],
        ["tuning", "output"], ["tuning", "output", "volumeSource"], ["tuning", "output", "image"], ["tuning", "output", "imagePushSecret"],
    ];

    public static readonly object[][] RAGEnginePaths =
    [
        .. CommonPaths,
        ["spec"], ["spec", "compute"], ["spec", "compute", "count"], ["spec", "compute", "instanceType"], ["spec", "compute", "labelSelector"],
        ["spec", "compute", "labelSelector", "matchLabels"], ["spec", "compute", "preferredNodes"], ["spec", "storage"],
        ["spec", "storage", "persistentVolume"], ["spec", "storage", "persistentVolume", "mountPath"], ["spec", "storage", "vectorDB"],
        ["spec", "embedding"], ["spec", "embedding", "local"], ["spec", "embedding", "local", "modelID"], ["spec", "embedding", "local", "image"],
        ["spec", "embedding", "remote"], ["spec", "embedding", "remote", "url"], ["spec", "inferenceService"], ["spec", "inferenceService", "url"],
        ["spec", "inferenceService", "contextWindowSize"], ["spec", "guardrails"], ["spec", "guardrails", "enabled"],
        ["spec", "guardrails", "configMapRef"], ["spec", "queryServiceName"], ["spec", "indexServiceName"],
    ];

    public static JsonObject Parse(string json) => (JsonObject)JsonNode.Parse(json)!;
}

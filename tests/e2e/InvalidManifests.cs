namespace Kaito.E2E.Tests;

/// <summary>A manifest the admission webhooks must reject, and every field path kubectl must name.</summary>
public sealed record InvalidManifest(string Case, string Yaml, params string[] Fields)
{
    public override string ToString() => Case;
}

/// <summary>Manifests for create-time rejections. Each differs from a valid Workspace or RAGEngine in the named ways.</summary>
static class InvalidManifests
{
    static string Workspace(string name, string body, string annotations = "") => $"""
        apiVersion: kaito.sh/v1beta1
        kind: Workspace
        metadata:
          name: {name}
        {(annotations.Length == 0 ? "" : "  annotations:\n" + Indent(annotations, 4))}
        {body}
        """;

    static string Inference(string preset = "phi-3-mini-4k-instruct", string sku = "Standard_NC6s_v3", string extra = "") => $"""
        resource:
          instanceType: {sku}
          labelSelector:
            matchLabels: {"{"}apps: test{"}"}
        inference:
          preset:
            name: {preset}
        {Indent(extra, 2)}
        """;

    static string Tuning(string input = "urls: [\"https://huggingface.co/datasets/x/resolve/main/train.parquet\"]",
        string output = "image: registry.example.com/adapter:1\n    imagePushSecret: push", string method = "qlora", string preset = "phi-3-mini-128k-instruct", string count = "1") => $"""
        resource:
          count: {count}
          instanceType: Standard_NC6s_v3
          labelSelector:
            matchLabels: {"{"}apps: tune{"}"}
        tuning:
          preset:
            name: {preset}
          method: {method}
          input:
            {input}
          output:
            {output}
        """;

    static string Rag(string spec) => $"""
        apiVersion: kaito.sh/v1beta1
        kind: RAGEngine
        metadata:
          name: rag
        spec:
        {Indent(spec, 2)}
        """;

    static string Indent(string text, int spaces) =>
        string.Join("\n", text.Split('\n').Select(l => new string(' ', spaces) + l)).TrimEnd();

    const string Adapter = "source:\n      name: adapter\n      image: registry.example.com/adapter:1";

    public static IEnumerable<InvalidManifest> Create() =>
    [
        new("name is not a DNS label", Workspace("phi.3", Inference()), "metadata.name"),
        new("neither inference nor tuning", Workspace("w", "resource:\n  instanceType: Standard_NC6s_v3\n  labelSelector:\n    matchLabels: {apps: x}"), "inference"),
        new("both inference and tuning", Workspace("w", Inference() + "\n" + Tuning().Split("tuning:")[1].Insert(0, "tuning:")), "tuning"),
        new("unknown preset", Workspace("w", Inference(preset: "phi-5")), "inference.preset.name"),
        new("unknown instance type", Workspace("w", Inference(sku: "Standard_NC6s_v4")), "resource.instanceType"),
        new("unknown runtime", Workspace("w", Inference(), "kaito.sh/runtime: tgi"), "metadata.annotations[kaito.sh/runtime]"),
        new("bypass value not boolean", Workspace("w", Inference(), "kaito.sh/bypass-resource-checks: \"yes\""), "metadata.annotations[kaito.sh/bypass-resource-checks]"),
        new("node image family", Workspace("w", Inference(), "kaito.sh/node-image-family: windows"), "metadata.annotations[kaito.sh/node-image-family]"),
        new("performance mode", Workspace("w", Inference(), "kaito.sh/performance-mode: fast"), "metadata.annotations[kaito.sh/performance-mode]"),
        new("use-local-weights", Workspace("w", Inference(), "kaito.sh/use-local-weights: \"yes\""), "metadata.annotations[kaito.sh/use-local-weights]"),
        new("empty label selector", Workspace("w", Inference().Replace("matchLabels: {apps: test}", "matchLabels: {}", StringComparison.Ordinal)), "resource.labelSelector"),
        new("selector not usable as node labels", Workspace("w", Inference().Replace("matchLabels: {apps: test}", "matchExpressions: [{key: apps, operator: NotIn, values: [x]}]", StringComparison.Ordinal)), "resource.labelSelector.matchExpressions[0]"),
        new("unknown selector operator", Workspace("w", Inference().Replace("matchLabels: {apps: test}", "matchLabels: {apps: test}\n    matchExpressions: [{key: gpu, operator: Like, values: [a]}]", StringComparison.Ordinal)), "resource.labelSelector.matchExpressions[0].operator"),
        new("only reserved selector labels", Workspace("w", Inference().Replace("apps: test", "kaito.sh/workspace: x", StringComparison.Ordinal)), "resource.labelSelector.matchLabels"),
        new("partition needs own nodes", Workspace("w", Inference().Replace("  labelSelector:", "  partition: {mode: accelerator, count: 2}\n  labelSelector:", StringComparison.Ordinal)), "resource.partition"),
        new("preset and template", Workspace("w", Inference(extra: "template:\n  spec:\n    containers: [{name: c, image: r.io/c:1}]")), "inference.template"),
        new("neither preset nor template", Workspace("w", "resource:\n  instanceType: Standard_NC6s_v3\n  labelSelector:\n    matchLabels: {apps: x}\ninference:\n  config: params"), "inference.preset"),
        new("model too big for one A10 under transformers", Workspace("w", Inference(preset: "qwen2.5-coder-32b-instruct", sku: "Standard_NV36ads_A10_v5"), "kaito.sh/runtime: transformers"), "resource.instanceType"),
        new("non-distributed model too big for the node", Workspace("w", Inference(preset: "falcon-40b", sku: "Standard_NV36ads_A10_v5")), "resource.instanceType"),
        new("gated model without access secret", Workspace("w", Inference(preset: "llama-3.1-8b-instruct", sku: "Standard_NC24ads_A100_v4")), "inference.preset.presetOptions.modelAccessSecret"),
        new("more than ten adapters", Workspace("w", Inference(extra: "adapters:\n" + string.Join("\n", Enumerable.Range(0, 11).Select(i => $"- source: {{name: a{i}, image: \"r.io/a{i}:1\"}}")))), "inference.adapters"),
        new("adapter without source", Workspace("w", Inference(extra: "adapters:\n- strength: \"1.0\"")), "inference.adapters[0].source"),
        new("adapter name not a DNS name", Workspace("w", Inference(extra: "adapters:\n- source: {name: \"Bad Name\", image: \"r.io/a:1\"}")), "inference.adapters[0].source.name"),
        new("duplicate adapter names", Workspace("w", Inference(extra: "adapters:\n- source: {name: a, image: \"r.io/a:1\"}\n- source: {name: a, image: \"r.io/b:1\"}")), "inference.adapters[1].source.name"),
        new("adapter from urls", Workspace("w", Inference(extra: "adapters:\n- source: {name: a, urls: [\"https://example.com/a.bin\"]}")), "inference.adapters[0].source.urls"),
        new("adapter strength above one", Workspace("w", Inference(extra: "adapters:\n- source: {name: a, image: \"r.io/a:1\"}\n  strength: \"2.5\""), "kaito.sh/runtime: transformers"), "inference.adapters[0].strength"),
        new("adapter strength not a number", Workspace("w", Inference(extra: "adapters:\n- source: {name: a, image: \"r.io/a:1\"}\n  strength: strong"), "kaito.sh/runtime: transformers"), "inference.adapters[0].strength"),
        new("partial strength with explicit vllm", Workspace("w", Inference(extra: "adapters:\n- source: {name: a, image: \"r.io/a:1\"}\n  strength: \"0.5\""), "kaito.sh/runtime: vllm"), "inference.adapters[0].strength"),
        new("adapter image unparsable", Workspace("w", Inference(extra: "adapters:\n- source: {name: a, image: \"not an image!\"}")), "inference.adapters[0].source.image"),
        new("tuning method", Workspace("w", Tuning(method: "full")), "tuning.method"),
        new("tuning preset unknown", Workspace("w", Tuning(preset: "phi-5")), "tuning.preset.name"),
        new("tuning input with two sources", Workspace("w", Tuning(input: "urls: [\"https://example.com/d.parquet\"]\n    image: r.io/data:1")), "tuning.input"),
        new("tuning input file url", Workspace("w", Tuning(input: "urls: [\"file:///etc/passwd\"]")), "tuning.input.urls[0]"),
        new("tuning input metadata endpoint", Workspace("w", Tuning(input: "urls: [\"http://169.254.169.254/latest/meta-data\"]")), "tuning.input.urls[0]"),
        new("tuning input loopback", Workspace("w", Tuning(input: "urls: [\"https://example.com/ok.parquet\", \"http://localhost:8080/d\"]")), "tuning.input.urls[1]"),
        new("tuning input private address", Workspace("w", Tuning(input: "urls: [\"http://10.0.0.7/d.parquet\"]")), "tuning.input.urls[0]"),
        new("tuning input cluster service name", Workspace("w", Tuning(input: "urls: [\"http://kubernetes.default.svc/api/v1/secrets\"]")), "tuning.input.urls[0]"),
        new("tuning input address-echo name", Workspace("w", Tuning(input: "urls: [\"http://169.254.169.254.nip.io/latest/meta-data\"]")), "tuning.input.urls[0]"),
        new("tuning output image without push secret", Workspace("w", Tuning(output: "image: registry.example.com/adapter:1")), "tuning.output.imagePushSecret"),
        new("tuning output image and volume", Workspace("w", Tuning(output: "image: registry.example.com/adapter:1\n    imagePushSecret: push\n    volumeSource: {emptyDir: {}}")), "tuning.output"),
        new("tuning on several nodes", Workspace("w", Tuning(count: "2")), "resource.count"),
        new("tuning volume of unknown type", Workspace("w", Tuning(input: "volumeSource: {s3bucket: {name: x}}")), "tuning.input.volumeSource"),
        new("rag embedding both local and remote", Rag("embedding:\n  local: {modelID: BAAI/bge-small-en-v1.5}\n  remote: {url: \"https://e.example.com/v1\"}\ninferenceService: {contextWindowSize: 4096}"), "spec.embedding.remote"),
        new("rag local embedding without image or model", Rag("embedding:\n  local: {imagePullSecret: s}\ninferenceService: {contextWindowSize: 4096}"), "spec.embedding.local"),
        new("rag remote embedding not http", Rag("embedding:\n  remote: {url: \"ftp://e.example.com/v1\"}\ninferenceService: {contextWindowSize: 4096}"), "spec.embedding.remote.url"),
        new("rag context window zero", Rag("embedding:\n  remote: {url: \"https://e.example.com/v1\"}\ninferenceService: {url: \"http://phi/v1/chat/completions\", contextWindowSize: 0}"), "spec.inferenceService.contextWindowSize"),
        new("rag local embedding on an unknown GPU instance type", Rag("compute:\n  instanceType: Standard_XYZ\n  labelSelector: {matchLabels: {apps: rag}}\nembedding:\n  local: {modelID: BAAI/bge-small-en-v1.5}\ninferenceService: {contextWindowSize: 4096}"), "spec.compute.instanceType"),
        new("rag vector database engine", Rag("storage:\n  vectorDB: {engine: mongodb, url: \"http://db:27017\"}\nembedding:\n  remote: {url: \"https://e.example.com/v1\"}\ninferenceService: {contextWindowSize: 4096}"), "spec.storage.vectorDB.engine"),
        new("everything wrong at once", Workspace("bad.name", Tuning(method: "full", preset: "phi-5", input: "urls: [\"file:///x\"]", output: "image: registry.example.com/adapter:1"), "kaito.sh/runtime: tgi"),
            "metadata.name", "metadata.annotations[kaito.sh/runtime]", "tuning.method", "tuning.preset.name", "tuning.input.urls[0]", "tuning.output.imagePushSecret"),
    ];
}

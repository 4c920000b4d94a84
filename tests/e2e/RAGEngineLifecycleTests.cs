using System.Text.Json.Nodes;
using Kaito.Testing;

namespace Kaito.E2E.Tests;

/// <summary>
/// RAGEngines through the whole operator on the real API server: a GPU NodeClaim only for the local embedding,
/// the Deployment and Service with the settings as env and mounts, rollout on spec change, clean deletion.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
[Trait("Requires", "LocalControlPlane")]
public sealed class RAGEngineLifecycleTests(ControlPlaneFixture fixture) : IAsyncLifetime
{
    static readonly TimeSpan Converge = TimeSpan.FromMinutes(3);
    const string Local = "examples/RAG/kaito_ragengine_local_embedding.yaml";
    const string Remote = "examples/RAG/kaito_ragengine_remote_embedding.yaml";

    ControlPlane Plane => fixture.Plane;

    public Task InitializeAsync() => fixture.Plane.EnsureOperatorAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    async Task<JsonObject> WaitForServiceReadyAsync(string ns, string name, long generation = 1) =>
        await Eventually.WaitAsync(async () =>
        {
            var rag = await Plane.GetJsonAsync("ragengine", name, "-n", ns);
            var ready = KubectlJson.Condition(rag, "ServiceReady");
            return ready?["status"]?.GetValue<string>() == "True" && ready["observedGeneration"]?.GetValue<long>() >= generation ? rag : null;
        }, Converge, $"RAGEngine {name} (generation {generation}) to be ServiceReady");

    static JsonArray Env(JsonObject deployment) => deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]!.AsArray();

    static JsonNode? EnvVar(JsonObject deployment, string name) => Env(deployment).FirstOrDefault(e => e!["name"]!.GetValue<string>() == name);

    [Fact]
    public async Task Local_embedding_example_gets_one_gpu_nodeclaim_and_mounts_its_volume_claim()
    {
        await using var ns = await Plane.CreateNamespaceAsync("rag-local");
        Assert.True((await Plane.KubectlAsync(["create", "-n", ns.Name, "-f", RepositoryPaths.Combine(Local)])) is { Succeeded: true });

        var rag = await WaitForServiceReadyAsync(ns.Name, "ragengine-local-embedding");

        Assert.Equal("True", KubectlJson.ConditionStatus(rag, "ResourceReady"));
        Assert.Equal("True", KubectlJson.ConditionStatus(rag, "RAGEngineSucceeded"));
        Assert.Equal("True", KubectlJson.ConditionStatus(rag, "NodeClaimReady"));
        var claims = (await Plane.GetJsonAsync("nodeclaims", "-l", $"kaito.sh/ragengine=ragengine-local-embedding,kaito.sh/ragenginenamespace={ns.Name}"))["items"]!.AsArray();
        var claim = Assert.Single(claims)!;
        Assert.Contains("Standard_NC4as_T4_v3", claim["spec"]!["requirements"]!.ToJsonString(), StringComparison.Ordinal);
        var node = claim["status"]!["nodeName"]!.GetValue<string>();
        Assert.Equal(node, rag["status"]!["workerNodes"]![0]!.GetValue<string>());

        var deployment = await Plane.GetJsonAsync("deployment", "ragengine-local-embedding", "-n", ns.Name);
        var pod = deployment["spec"]!["template"]!["spec"]!;
        Assert.Equal("1", pod["containers"]![0]!["resources"]!["limits"]!["nvidia.com/gpu"]!.ToString());
        var volume = pod["volumes"]!.AsArray().Single(v => v!["name"]!.GetValue<string>() == "vector-db-storage")!;
        Assert.Equal("ragengine-index", volume["persistentVolumeClaim"]!["claimName"]!.GetValue<string>());
        Assert.Contains(pod["containers"]![0]!["volumeMounts"]!.AsArray(), m => m!["mountPath"]!.GetValue<string>() == "/mnt/data");
        Assert.Equal("BAAI/bge-small-en-v1.5", EnvVar(deployment, "MODEL_ID")!["value"]!.GetValue<string>());
        var pods = (await Plane.GetJsonAsync("pods", "-n", ns.Name, "-l", "kaito.sh/ragengine=ragengine-local-embedding"))["items"]!.AsArray();
        Assert.Equal(node, Assert.Single(pods)!["spec"]!["nodeName"]!.GetValue<string>());
        var service = await Plane.GetJsonAsync("service", "ragengine-local-embedding", "-n", ns.Name);
        Assert.Equal(80, service["spec"]!["ports"]![0]!["port"]!.GetValue<int>());
        Assert.Equal(5000, service["spec"]!["ports"]![0]!["targetPort"]!.GetValue<int>());
    }

    [Fact]
    public async Task Remote_embedding_example_runs_on_a_cpu_node_with_its_settings_and_secret_by_reference()
    {
        await using var ns = await Plane.CreateNamespaceAsync("rag-remote");
        Assert.True((await Plane.KubectlAsync(["create", "-n", ns.Name, "-f", RepositoryPaths.Combine(Remote)])) is { Succeeded: true });

        var rag = await WaitForServiceReadyAsync(ns.Name, "ragengine-remote-embedding");

        Assert.Null(KubectlJson.Condition(rag, "NodeClaimReady"));
        Assert.Equal("NoGpuNodeNeeded", KubectlJson.Condition(rag, "ResourceReady")!["reason"]!.GetValue<string>());
        Assert.Empty((await Plane.GetJsonAsync("nodeclaims", "-l", $"kaito.sh/ragengine=ragengine-remote-embedding,kaito.sh/ragenginenamespace={ns.Name}"))["items"]!.AsArray());
        var deployment = await Plane.GetJsonAsync("deployment", "ragengine-remote-embedding", "-n", ns.Name);
        Assert.Equal("https://myembeddings.example.com/v1/embeddings", EnvVar(deployment, "REMOTE_EMBEDDING_URL")!["value"]!.GetValue<string>());
        var secret = EnvVar(deployment, "EMBEDDING_ACCESS_SECRET")!;
        Assert.Null(secret["value"]);
        Assert.Equal("embedding-access-secret", secret["valueFrom"]!["secretKeyRef"]!["name"]!.GetValue<string>());
        Assert.Equal("4096", EnvVar(deployment, "LLM_CONTEXT_WINDOW")!["value"]!.GetValue<string>());
        Assert.Null(deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["resources"]!["limits"]);
        var config = await Plane.GetJsonAsync("configmap", "ragengine-remote-embedding-config", "-n", ns.Name);
        Assert.Contains("myembeddings.example.com", config["data"]!["config.json"]!.GetValue<string>(), StringComparison.Ordinal);
        var pods = (await Plane.GetJsonAsync("pods", "-n", ns.Name, "-l", "kaito.sh/ragengine=ragengine-remote-embedding"))["items"]!.AsArray();
        Assert.Equal("kaito-sim-cpu-0", Assert.Single(pods)!["spec"]!["nodeName"]!.GetValue<string>());
    }

    [Fact]
    public async Task Ragengine_pointing_at_a_workspace_uses_its_service_url_and_rolls_when_the_url_or_embedding_changes()
    {
        await using var ns = await Plane.CreateNamespaceAsync("rag-ws");
        Assert.True((await Plane.KubectlAsync(["create", "-n", ns.Name, "-f", RepositoryPaths.Combine("examples/inference/kaito_workspace_phi_3.yaml")])) is { Succeeded: true });
        var serviceUrl = $"http://workspace-phi-3-mini.{ns.Name}.svc.cluster.local/v1/chat/completions";
        var manifest = $$"""
            apiVersion: kaito.sh/v1beta1
            kind: RAGEngine
            metadata: {name: rag-phi}
            spec:
              embedding:
                remote: {url: "https://embed.example.com/v1/embeddings"}
              inferenceService: {url: "{{serviceUrl}}", contextWindowSize: 4096 }
            """;
        Assert.True((await Plane.KubectlAsync(["apply", "-n", ns.Name, "-f", "-"], manifest)) is { Succeeded: true });
        await Eventually.WaitAsync(async () => KubectlJson.ConditionStatus(await Plane.GetJsonAsync("workspace", "workspace-phi-3-mini", "-n", ns.Name), "InferenceReady") == "True",
            Converge, "the phi-3 workspace to serve");
        await WaitForServiceReadyAsync(ns.Name, "rag-phi");

        var workspaceService = await Plane.GetJsonAsync("service", "workspace-phi-3-mini", "-n", ns.Name);
        Assert.Equal(80, workspaceService["spec"]!["ports"]![0]!["port"]!.GetValue<int>());
        var before = await Plane.GetJsonAsync("deployment", "rag-phi", "-n", ns.Name);
        Assert.Equal(serviceUrl, EnvVar(before, "LLM_INFERENCE_URL")!["value"]!.GetValue<string>());
        var firstPod = Assert.Single((await Plane.GetJsonAsync("pods", "-n", ns.Name, "-l", "kaito.sh/ragengine=rag-phi"))["items"]!.AsArray())!["metadata"]!["name"]!.GetValue<string>();

        var newUrl = $"http://workspace-phi-3-mini.{ns.Name}.svc.cluster.local:80/v1/chat/completions";
        Assert.True((await Plane.KubectlAsync(["patch", "ragengine", "rag-phi", "-n", ns.Name, "--type", "merge", "-p",
            "{\"spec\":{\"inferenceService\":{\"url\":\"" + newUrl + "\"}}}"])) is { Succeeded: true });
        await WaitForServiceReadyAsync(ns.Name, "rag-phi", generation: 2);
        var afterUrl = await Plane.GetJsonAsync("deployment", "rag-phi", "-n", ns.Name);
        Assert.Equal(newUrl, EnvVar(afterUrl, "LLM_INFERENCE_URL")!["value"]!.GetValue<string>());
        Assert.True(afterUrl["metadata"]!["generation"]!.GetValue<long>() > before["metadata"]!["generation"]!.GetValue<long>());
        var secondPod = await Eventually.WaitAsync(async () =>
        {
            var pods = (await Plane.GetJsonAsync("pods", "-n", ns.Name, "-l", "kaito.sh/ragengine=rag-phi"))["items"]!.AsArray();
            return pods.Count == 1 && pods[0]!["metadata"]!["name"]!.GetValue<string>() != firstPod ? pods[0]!["metadata"]!["name"]!.GetValue<string>() : null;
        }, Converge, "the pod to be replaced after the URL change");

        Assert.True((await Plane.KubectlAsync(["patch", "ragengine", "rag-phi", "-n", ns.Name, "--type", "merge", "-p",
            """
            {"spec":{"embedding":{"remote":{"url":"https://embed2.example.com/v1/embeddings"}}}}
            """])) is { Succeeded: true });
        await WaitForServiceReadyAsync(ns.Name, "rag-phi", generation: 3);
        var afterEmbedding = await Plane.GetJsonAsync("deployment", "rag-phi", "-n", ns.Name);
        Assert.Equal("https://embed2.example.com/v1/embeddings", EnvVar(afterEmbedding, "REMOTE_EMBEDDING_URL")!["value"]!.GetValue<string>());
        await Eventually.WaitAsync(async () =>
        {
            var pods = (await Plane.GetJsonAsync("pods", "-n", ns.Name, "-l", "kaito.sh/ragengine=rag-phi"))["items"]!.AsArray();
            return pods.Count == 1 && pods[0]!["metadata"]!["name"]!.GetValue<string>() != secondPod;
        }, Converge, "the pod to be replaced after the embedding change");
    }

    [Fact]
    public async Task Deleting_a_ragengine_removes_its_nodeclaim_and_everything_it_created()
    {
        await using var ns = await Plane.CreateNamespaceAsync("rag-delete");
        Assert.True((await Plane.KubectlAsync(["create", "-n", ns.Name, "-f", RepositoryPaths.Combine(Local)])) is { Succeeded: true });
        await WaitForServiceReadyAsync(ns.Name, "ragengine-local-embedding");

        var deleted = await Plane.KubectlAsync(["delete", "ragengine", "ragengine-local-embedding", "-n", ns.Name, "--timeout=120s"]);

        Assert.True(deleted.Succeeded, deleted.ToString());
        Assert.Empty((await Plane.GetJsonAsync("nodeclaims", "-l", $"kaito.sh/ragengine=ragengine-local-embedding,kaito.sh/ragenginenamespace={ns.Name}"))["items"]!.AsArray());
        await Eventually.WaitAsync(async () => (await Plane.GetJsonAsync("deployments,services,configmaps", "-n", ns.Name, "-l", "kaito.sh/ragengine=ragengine-local-embedding"))["items"]!.AsArray().Count == 0,
            Converge, "the RAGEngine's children to be garbage-collected");
        Assert.True((await Plane.GetJsonAsync("pvc", "ragengine-index", "-n", ns.Name))["metadata"] is not null, "the user's PersistentVolumeClaim must survive");
    }
}

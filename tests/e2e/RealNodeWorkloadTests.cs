using System.Text.Json.Nodes;
using Kaito.Api.V1Beta1.Serialization;
using Kaito.Presets;
using Kaito.Testing;
using Xunit.Abstractions;

namespace Kaito.E2E.Tests;

/// <summary>
/// The quick starts' workloads (inference and the local-embedding RAGEngine) as real containers on the real node: the operator (in the cluster) renders them, the
/// kubelet pulls the test doubles of the GPU images from the local registry (hack/TestDoubles) and runs them, and the
/// tests call the served model through its Service from a pod and through the API server's service proxy. Crashes,
/// OOM kills and missing images are the kubelet's own, read back through the Workspace's status. The node is made a
/// fake GPU node of each example's SKU (RealGpuNode), so this class runs on its own (Category=Exclusive).
/// </summary>
[Collection(ControlPlaneCollection.Name)]
[Trait("Requires", "LocalControlPlane")]
[Trait("Category", "Exclusive")]
public sealed partial class RealNodeWorkloadTests(ControlPlaneFixture fixture, RealNodeOperatorSettings operatorSettings, ITestOutputHelper output)
    : IAsyncLifetime, IClassFixture<RealNodeOperatorSettings>
{
    const string Registry = "198.18.0.1:5000";
    const string PresetRegistry = Registry + "/kaito";
    const string DoublesRepository = Registry + "/kaito-test-doubles";
    const string RagImage = DoublesRepository + "/kaito-rag-service:0.3.2";
    const string Wait = "--timeout=180s";
    static readonly TimeSpan StatusDeadline = TimeSpan.FromSeconds(60);

    ControlPlane Plane => fixture.Plane;
    RealGpuNode node = null!;
    string clientImage = "";

    public async Task InitializeAsync()
    {
        await Plane.EnsureOperatorAsync();
        Assert.True(LocalOperator.InCluster, "these tests need the real node: run `make up` without KAITO_NODE=off");
        node = new RealGpuNode(Plane.Client);
        clientImage = await operatorSettings.OnceAsync(() => InstallAsync(operatorSettings.Hub.Endpoint));
    }

    /// <summary>Publishes the doubles and reinstalls the operator with their images and the Hub double; returns the image client pods run.</summary>
    static async Task<string> InstallAsync(Uri hubEndpoint)
    {
        var images = await ProcessRunner.RunAsync("bash", [RepositoryPaths.Combine("hack", "local-cluster", "test-images.sh"), "--no-build"], timeout: TimeSpan.FromMinutes(10));
        Assert.True(images.Succeeded, images.ToString());
        var lines = images.StdOut.Trim().Split('\n');
        await PublishDoubleAsAsync(RagImage);
        // The tuning Job's downloader, pusher and adapter base, as test-images.sh published them.
        var settings = lines.Where(l => l.StartsWith("KAITO_", StringComparison.Ordinal)).Select(l => l.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1]);
        settings["KAITO_PRESET_REGISTRY"] = PresetRegistry;
        settings["KAITO_RAG_IMAGE"] = RagImage;
        settings["KAITO_HF_ENDPOINT"] = hubEndpoint.ToString();
        var restarted = await LocalOperator.RestartAsync(settings);
        Assert.True(restarted.Succeeded, restarted.ToString());
        return lines[^1];   // the model-server double carries busybox's wget
    }

    public Task DisposeAsync() => node.RestoreAsync();

    public static TheoryData<string> InferenceQuickStarts() =>
    [
        "examples/inference/kaito_workspace_phi_3.yaml",
        "examples/inference/kaito_workspace_phi_3_with_adapters.yaml",
        "examples/inference/kaito_workspace_phi_3.5-instruct.yaml",
        "examples/inference/kaito_workspace_falcon_7b.yaml",
        "examples/inference/kaito_workspace_falcon_7b_with_adapters.yaml",
    ];

    [Theory]
    [MemberData(nameof(InferenceQuickStarts))]
    public async Task Inference_quick_start_serves_chat_completions_from_a_real_container(string example)
    {
        await using var ns = await Plane.CreateNamespaceAsync("real");
        var workspace = await PrepareExampleAsync(example, ns.Name);
        var name = workspace["metadata"]!["name"]!.GetValue<string>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await ApplyAsync(workspace);
        var ready = await Plane.KubectlAsync(["wait", "-n", ns.Name, "--for=condition=WorkspaceSucceeded", Wait, $"workspace/{name}"]);
        Assert.True(ready.Succeeded, $"{ready}\n{await DescribeAsync(ns.Name, name)}");
        output.WriteLine($"{example}: WorkspaceSucceeded {clock.Elapsed.TotalSeconds:0.0}s after kubectl apply");

        // The pod ran on the real node, started by its kubelet (no simulator marks pods there).
        var pod = JsonNode.Parse((await Plane.KubectlOkAsync("get", "pods", "-n", ns.Name, "-l", $"kaito.sh/workspace={name}", "-o", "json")).StdOut)!["items"]!.AsArray().Single()!;
        Assert.Equal(RealGpuNode.Name, pod["spec"]!["nodeName"]!.GetValue<string>());
        Assert.StartsWith("containerd://", pod["status"]!["containerStatuses"]![0]!["containerID"]!.GetValue<string>(), StringComparison.Ordinal);

        // /v1/models through the API server's service proxy: the served model and every adapter, with its strength.
        var models = JsonNode.Parse(await ProxyGetAsync(ns.Name, name, "/v1/models"))!["data"]!.AsArray();
        var preset = workspace["inference"]!["preset"]!["name"]!.GetValue<string>();
        Assert.Equal(preset, models[0]!["id"]!.GetValue<string>());
        var specAdapters = (workspace["inference"]!["adapters"] as JsonArray ?? []).Select(a => a!).ToList();
        var adapters = specAdapters.Select(a => a["source"]!["name"]!.GetValue<string>()).ToList();
        Assert.Equal(adapters, models.Skip(1).Select(m => m!["id"]!.GetValue<string>()).ToList());
        // The strength the spec gave (1.0 by default), as the model server reads it: the variable named as the adapter.
        Assert.Equal(specAdapters.Select(a => a["strength"]?.GetValue<string>() ?? "1.0"), models.Skip(1).Select(m => m!["strength"]?.GetValue<string>()));

        // The adapter files the init containers copied are inside the model container.
        foreach (var adapter in adapters)
        {
            var listed = await Plane.KubectlOkAsync("exec", "-n", ns.Name, pod["metadata"]!["name"]!.GetValue<string>(), "-c", name, "--", "ls", $"/mnt/adapter/{adapter}");
            Assert.Contains("adapter_config.json", listed.StdOut, StringComparison.Ordinal);
        }

        // /v1/chat/completions from a pod through the Service, and through the service proxy.
        var ask = (string model, string text) => new JsonObject
        {
            ["model"] = model, ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = text }), ["max_tokens"] = 16,
        }.ToJsonString();
        var fromPod = await CallFromPodAsync(ns.Name, name, "/v1/chat/completions", ask(preset, "hello from a pod"), clientImage);
        Assert.Equal($"[{preset} test double] you said: hello from a pod", ChatText(fromPod));
        foreach (var target in adapters.Prepend(preset))
        {
            var viaProxy = await ProxyPostAsync(ns.Name, name, "/v1/chat/completions", ask(target, "hello through the API server"));
            Assert.Equal($"[{target} test double] you said: hello through the API server", ChatText(viaProxy));
        }
        if (IsTransformers(pod))
        {
            // The transformers server's own endpoint.
            var chat = JsonNode.Parse(await ProxyPostAsync(ns.Name, name, "/chat", """{"prompt": "hello /chat"}"""))!;
            Assert.Equal($"[{preset} test double] you said: hello /chat", chat["Result"]!.GetValue<string>());
        }
        output.WriteLine($"{example}: answered through the Service and the API server's proxy, {clock.Elapsed.TotalSeconds:0.0}s after kubectl apply");
        await DeleteAndWaitAsync(ns.Name, name);
    }

    [Fact]
    public async Task The_local_embedding_rag_quick_start_indexes_and_answers_a_query_from_a_real_container()
    {
        const string Example = "examples/RAG/kaito_ragengine_local_embedding.yaml";
        await using var ns = await Plane.CreateNamespaceAsync("real-rag");
        var documents = YamlDocuments.ToJson(await File.ReadAllTextAsync(RepositoryPaths.Combine(Example))).OfType<JsonObject>().ToList();
        foreach (var document in documents) document["metadata"]!["namespace"] = ns.Name;
        var rag = documents.Single(d => d["kind"]!.GetValue<string>() == "RAGEngine");
        var name = rag["metadata"]!["name"]!.GetValue<string>();
        var compute = (JsonObject)rag["spec"]!["compute"]!;
        compute["preferredNodes"] = new JsonArray(RealGpuNode.Name);
        var matchLabels = compute["labelSelector"]!["matchLabels"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>());
        await node.BecomeAsync(compute["instanceType"]!.GetValue<string>(), matchLabels);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        foreach (var document in documents) await ApplyAsync(document);
        try
        {
            var ready = await Plane.KubectlAsync(["wait", "-n", ns.Name, "--for=condition=RAGEngineSucceeded", Wait, $"ragengine/{name}"]);
            var status = await Plane.KubectlAsync(["get", "ragengine", name, "-n", ns.Name, "-o", "jsonpath={.status}"]);
            Assert.True(ready.Succeeded, $"{ready}\nstatus: {status.StdOut}\n{(await Plane.KubectlAsync(["get", "pods,pvc", "-n", ns.Name, "-o", "wide"])).StdOut}");
            output.WriteLine($"{Example}: RAGEngineSucceeded {clock.Elapsed.TotalSeconds:0.0}s after kubectl apply");
            var pod = JsonNode.Parse((await Plane.KubectlOkAsync("get", "pods", "-n", ns.Name, "-l", $"kaito.sh/ragengine={name}", "-o", "json")).StdOut)!["items"]!.AsArray().Single()!;
            Assert.Equal(RealGpuNode.Name, pod["spec"]!["nodeName"]!.GetValue<string>());
            // The preferred node serves it: no NodeClaim was made.
            Assert.Equal(RealGpuNode.Name, (await Plane.KubectlOkAsync("get", "ragengine", name, "-n", ns.Name, "-o", "jsonpath={.status.workerNodes[*]}")).StdOut.Trim());

            Assert.Equal("Healthy", JsonNode.Parse(await ProxyGetAsync(ns.Name, name, "/health"))!["status"]!.GetValue<string>());
            var indexed = JsonNode.Parse(await ProxyPostAsync(ns.Name, name, "/index", """
                {"index_name": "kaito", "documents": [{"text": "KAITO runs models on GPU nodes"}, {"text": "The RAGEngine indexes documents and answers queries"}]}
                """))!.AsArray();
            Assert.Equal(2, indexed.Count);
            var answer = JsonNode.Parse(await ProxyPostAsync(ns.Name, name, "/query", """{"index_name": "kaito", "query": "what indexes documents?", "top_k": 1}"""))!;
            Assert.Equal("[rag test double] The RAGEngine indexes documents and answers queries", answer["response"]!.GetValue<string>());
            Assert.Equal(rag["spec"]!["inferenceService"]!["url"]!.GetValue<string>(), answer["metadata"]!["llm"]!.GetValue<string>());
            await Plane.KubectlOkAsync("delete", "ragengine", name, "-n", ns.Name, "--wait=true", "--timeout=120s");
            await Eventually.WaitAsync(async () => (await Plane.KubectlAsync(["get", "pods", "-n", ns.Name, "-l", $"kaito.sh/ragengine={name}", "-o", "name"])).StdOut.Trim().Length == 0,
                TimeSpan.FromMinutes(2), $"the pods of {name} to go");
        }
        finally
        {
            // The simulator binds the example's claim to a host path under /tmp/kaito-sim; the real node's containerd made it.
            var hostPath = Path.Combine("/tmp/kaito-sim", ns.Name);
            if (Directory.Exists(hostPath)) Directory.Delete(hostPath, recursive: true);
        }
    }

    [Fact]
    public async Task A_crash_an_oom_kill_and_a_missing_image_show_in_status_with_the_pod_named()
    {
        await using var ns = await Plane.CreateNamespaceAsync("real-faults");
        // A memory limit for every container of the namespace: the double exceeds it when asked.
        await ApplyAsync(new JsonObject
        {
            ["apiVersion"] = "v1", ["kind"] = "LimitRange",
            ["metadata"] = new JsonObject { ["name"] = "memory", ["namespace"] = ns.Name },
            ["spec"] = new JsonObject { ["limits"] = new JsonArray(new JsonObject
            {
                ["type"] = "Container", ["default"] = new JsonObject { ["memory"] = "128Mi" }, ["defaultRequest"] = new JsonObject { ["memory"] = "32Mi" },
            }) },
        });
        var workspace = await PrepareExampleAsync("examples/inference/kaito_workspace_phi_3.yaml", ns.Name);
        var name = workspace["metadata"]!["name"]!.GetValue<string>();
        await ApplyAsync(workspace);
        var ready = await Plane.KubectlAsync(["wait", "-n", ns.Name, "--for=condition=WorkspaceSucceeded", Wait, $"workspace/{name}"]);
        Assert.True(ready.Succeeded, $"{ready}\n{await DescribeAsync(ns.Name, name)}");

        // 1. The model server crashes (and again at every restart): crash loop, with the pod and the exit code.
        var pod = await ModelPodAsync(ns.Name, name);
        await ProxyPostAsync(ns.Name, name, "/test-double/crash?code=3", "{}");
        var crashed = await InferenceNotReadyAsync(ns.Name, name, "ContainerCrashLoopBackOff");
        Assert.Contains(pod, crashed, StringComparison.Ordinal);
        Assert.Contains("exit code 3", crashed, StringComparison.Ordinal);

        // A new pod (the fault was remembered in the old pod's /dev/shm) serves again.
        await Plane.KubectlOkAsync("delete", "pod", pod, "-n", ns.Name, "--wait=false");
        Assert.True((await Plane.KubectlAsync(["wait", "-n", ns.Name, "--for=condition=InferenceReady", Wait, $"workspace/{name}"])).Succeeded,
            await DescribeAsync(ns.Name, name));

        // 2. The model server exceeds its memory limit: OOM-killed by the kernel, reported as such.
        pod = await ModelPodAsync(ns.Name, name);
        await ProxyPostAsync(ns.Name, name, "/test-double/oom?mib=512", "{}");
        var oom = await InferenceNotReadyAsync(ns.Name, name, "ContainerOOMKilled");
        Assert.Contains(pod, oom, StringComparison.Ordinal);
        await Plane.KubectlOkAsync("delete", "workspace", name, "-n", ns.Name, "--wait=true", "--timeout=120s");

        // 3. The model image does not exist in the registry: the kubelet's pull error, with the pod.
        workspace["metadata"]!["annotations"] = new JsonObject { [ModelImages.PinnedAnnotation] = $"{DoublesRepository}/not-published:0.0.0" };
        await ApplyAsync(workspace);
        // The deleted Workspace gave its node back: the minute for the pull error starts once a new node runs the pod.
        await ModelPodAsync(ns.Name, name, onNodeWithin: TimeSpan.FromSeconds(180));
        var missing = await InferenceNotReadyAsync(ns.Name, name, "ImagePullError");
        Assert.Contains(await ModelPodAsync(ns.Name, name), missing, StringComparison.Ordinal);
        Assert.Contains("not-published", missing, StringComparison.Ordinal);
        await DeleteAndWaitAsync(ns.Name, name);
    }

    /// <summary>
    /// The answer's text: a chat.completion, or the first chunk of a server-sent event stream (KAITO's transformers
    /// server always streams).
    /// </summary>
    static string ChatText(string body)
    {
        if (!body.StartsWith("data:", StringComparison.Ordinal))
        {
            var completion = JsonNode.Parse(body)!;
            Assert.Equal("chat.completion", completion["object"]!.GetValue<string>());
            return completion["choices"]![0]!["message"]!["content"]!.GetValue<string>();
        }
        Assert.EndsWith("data: [DONE]", body.TrimEnd(), StringComparison.Ordinal);
        var chunk = JsonNode.Parse(body.Split('\n')[0]["data:".Length..])!;
        Assert.Equal("chat.completion.chunk", chunk["object"]!.GetValue<string>());
        return chunk["choices"]![0]!["delta"]!["content"]!.GetValue<string>();
    }

    static bool IsTransformers(JsonNode pod) =>
        pod["spec"]!["containers"]![0]!["command"]?.AsArray().FirstOrDefault()?.GetValue<string>() == "accelerate";

    /// <summary>The Workspace's model pod that is not being deleted; with <paramref name="onNodeWithin"/>, one bound to a node by then.</summary>
    async Task<string> ModelPodAsync(string ns, string workspace, TimeSpan? onNodeWithin = null) =>
        await Eventually.WaitAsync(async () =>
        {
            var pods = JsonNode.Parse((await Plane.KubectlAsync(["get", "pods", "-n", ns, "-l", $"kaito.sh/workspace={workspace}", "-o", "json"])).StdOut)?["items"]?.AsArray() ?? [];
            return pods.FirstOrDefault(p => p!["metadata"]!["deletionTimestamp"] is null && (onNodeWithin is null || p["spec"]?["nodeName"] is not null))
                ?["metadata"]!["name"]!.GetValue<string>();
        }, onNodeWithin ?? TimeSpan.FromMinutes(1), onNodeWithin is null ? "the model pod" : "the model pod bound to a node");

    /// <summary>Waits (at most a minute, the issue's bound) for InferenceReady False with <paramref name="reason"/>; returns its message.</summary>
    Task<string> InferenceNotReadyAsync(string ns, string workspace, string reason) => WorkspaceConditionAsync(ns, workspace, "InferenceReady", reason);

    /// <summary>Waits (at most a minute) for condition <paramref name="type"/> False with <paramref name="reason"/>; returns its message.</summary>
    async Task<string> WorkspaceConditionAsync(string ns, string workspace, string type, string reason)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        JsonNode? last = null;
        string message;
        try
        {
            message = await Eventually.WaitAsync(async () =>
            {
                var condition = JsonNode.Parse((await Plane.KubectlOkAsync("get", "workspace", workspace, "-n", ns, "-o", "json")).StdOut)!["status"]?["conditions"]?.AsArray()
                    .FirstOrDefault(c => c!["type"]!.GetValue<string>() == type);
                last = condition;
                return condition?["status"]?.GetValue<string>() == "False" && condition["reason"]?.GetValue<string>() == reason ? condition["message"]!.GetValue<string>() : null;
            }, StatusDeadline, $"{type} False with reason {reason}");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; last seen: {last?.ToJsonString() ?? "no such condition"}\n{await DescribeAsync(ns, workspace)}", e);
        }
        output.WriteLine($"{type} {reason} after {clock.Elapsed.TotalSeconds:0.0}s: {message}");
        return message;
    }

    async Task<string> DescribeAsync(string ns, string workspace)
    {
        var status = await Plane.KubectlAsync(["get", "workspace", workspace, "-n", ns, "-o", "jsonpath={.status}"]);
        var pods = await Plane.KubectlAsync(["get", "pods", "-n", ns, "-o", "wide"]);
        var logs = await Plane.KubectlAsync(["logs", "-n", ns, "-l", $"kaito.sh/workspace={workspace}", "--all-containers", "--tail=20"]);
        return $"status: {status.StdOut}\npods:\n{pods.StdOut}\nlogs:\n{logs.StdOut}{logs.StdErr}";
    }

    /// <summary>The node has one SKU's GPUs at a time: the next test starts when this one's pods are gone.</summary>
    async Task DeleteAndWaitAsync(string ns, string workspace)
    {
        await Plane.KubectlOkAsync("delete", "workspace", workspace, "-n", ns, "--wait=true", "--timeout=120s");
        await Eventually.WaitAsync(async () => (await Plane.KubectlAsync(["get", "pods", "-n", ns, "-l", $"kaito.sh/workspace={workspace}", "-o", "name"])).StdOut.Trim().Length == 0,
            TimeSpan.FromMinutes(2), $"the pods of {workspace} to go");
    }


    /// <summary>Publishes the model-server double under <paramref name="images"/> in the local registry.</summary>
    static async Task PublishDoubleAsAsync(params string[] images)
    {
        var published = await ProcessRunner.RunAsync("bash", [RepositoryPaths.Combine("hack", "local-cluster", "test-images.sh"), "--no-build", "--as", .. images],
            timeout: TimeSpan.FromMinutes(5));
        Assert.True(published.Succeeded, published.ToString());
    }

    /// <summary>
    /// The example as a user on this cluster writes it: its adapter images from the local registry's doubles, and the
    /// real node named in preferredNodes (so no NodeClaim is made for a simulated node). Returns the Workspace.
    /// </summary>
    async Task<JsonObject> PrepareExampleAsync(string example, string ns)
    {
        var text = (await File.ReadAllTextAsync(RepositoryPaths.Combine(example))).Replace("myregistry.azurecr.io/", DoublesRepository + "/", StringComparison.Ordinal);
        var workspace = YamlDocuments.ToJson(text).OfType<JsonObject>().Single(d => d["kind"]?.GetValue<string>() == "Workspace");
        workspace["metadata"]!["namespace"] = ns;
        var resource = (JsonObject)workspace["resource"]!;
        resource["preferredNodes"] = new JsonArray(RealGpuNode.Name);
        var matchLabels = resource["labelSelector"]!["matchLabels"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>());
        var sku = await node.BecomeAsync(resource["instanceType"]!.GetValue<string>(), matchLabels);
        var preset = workspace["inference"]!["preset"]!["name"]!.GetValue<string>();
        var model = ModelCatalog.Default.Find(preset) ?? throw new InvalidOperationException($"{example}: preset {preset} is not in the catalog");
        await PublishDoubleAsAsync(new ModelImages(PresetRegistry).For(model));
        output.WriteLine($"{example}: the real node is a {sku.Name} ({sku.GpuCount} × {sku.GpuModel}); {model.Name} served by the double");
        return workspace;
    }

    async Task ApplyAsync(JsonObject document)
    {
        var applied = await Plane.KubectlAsync(["apply", "-f", "-"], document.ToJsonString());
        Assert.True(applied.Succeeded, $"kubectl apply failed:\n{applied}");
    }

    /// <summary>A GET through the API server's service proxy (what `kubectl proxy` users and dashboards do).</summary>
    async Task<string> ProxyGetAsync(string ns, string service, string path) =>
        (await Plane.KubectlOkAsync("get", "--raw", $"/api/v1/namespaces/{ns}/services/{service}:http/proxy{path}")).StdOut;

    async Task<string> ProxyPostAsync(string ns, string service, string path, string body)
    {
        var result = await Plane.KubectlAsync(["create", "--raw", $"/api/v1/namespaces/{ns}/services/{service}:http/proxy{path}", "-f", "-"], body);
        Assert.True(result.Succeeded, $"POST {path} through the service proxy failed:\n{result}");
        return result.StdOut;
    }

    /// <summary>POST from a pod on the real node to the Service's cluster IP (no cluster DNS here), with busybox wget.</summary>
    async Task<string> CallFromPodAsync(string ns, string service, string path, string body, string image)
    {
        var ip = (await Plane.KubectlOkAsync("get", "service", service, "-n", ns, "-o", "jsonpath={.spec.clusterIP}")).StdOut.Trim();
        var pod = $"client-{Guid.NewGuid().ToString("N")[..6]}";
        var manifest = new JsonObject
        {
            ["apiVersion"] = "v1", ["kind"] = "Pod",
            ["metadata"] = new JsonObject { ["name"] = pod, ["namespace"] = ns },
            ["spec"] = new JsonObject
            {
                ["nodeName"] = RealGpuNode.Name, ["restartPolicy"] = "Never",
                ["tolerations"] = new JsonArray(new JsonObject { ["operator"] = "Exists" }),
                ["containers"] = new JsonArray(new JsonObject
                {
                    ["name"] = "client", ["image"] = image, ["imagePullPolicy"] = "IfNotPresent",
                    ["command"] = new JsonArray("wget", "-q", "-O-", "--header", "Content-Type: application/json", "--post-data", body, $"http://{ip}{path}"),
                }),
            },
        };
        await ApplyAsync(manifest);
        var phase = await Eventually.WaitAsync(async () =>
            (await Plane.KubectlAsync(["get", "pod", pod, "-n", ns, "-o", "jsonpath={.status.phase}"])).StdOut.Trim() is var p && p is "Succeeded" or "Failed" ? p : null,
            TimeSpan.FromMinutes(2), $"the client pod {pod} to finish");
        var logs = (await Plane.KubectlOkAsync("logs", pod, "-n", ns)).StdOut;
        await Plane.KubectlOkAsync("delete", "pod", pod, "-n", ns, "--wait=false");
        Assert.True(phase == "Succeeded", $"the client pod failed: {logs}");
        return logs;
    }
}

using System.Text.Json.Nodes;
using Kaito.Testing;

namespace Kaito.E2E.Tests;

/// <summary>
/// The quick starts of KAITO's documentation, done the way a user does them: kubectl apply, kubectl wait,
/// kubectl get. Runs on the local control plane (simulated GPUs) or, with KAITO_E2E_KUBECONFIG, on any
/// cluster with Kaito installed; with KAITO_E2E_REAL_GPUS=true it also calls the served model.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class QuickStartTests(ControlPlaneFixture fixture) : IAsyncLifetime
{
    const string Wait = "--timeout=300s";

    ControlPlane Plane => fixture.Plane;

    public Task InitializeAsync() => fixture.Plane.EnsureOperatorAsync();

    public Task DisposeAsync() => Task.CompletedTask;


    /// <summary>
    /// `kubectl apply -f example`. On a bring-your-own GPU cluster (KAITO_E2E_BYO_LABEL=key=value, set by hack/e2e-k3d.sh)
    /// the example's instanceType is dropped and its selector points at the labelled GPU node, as a user there would write it.
    /// </summary>
    async Task ApplyExampleAsync(string ns, string example, Func<string, string>? edit = null)
    {
        var text = await File.ReadAllTextAsync(RepositoryPaths.Combine(example));
        if (edit is not null) text = edit(text);
        var byo = Environment.GetEnvironmentVariable("KAITO_E2E_BYO_LABEL");
        if (string.IsNullOrEmpty(byo))
        {
            var result = await Plane.KubectlAsync(["apply", "-n", ns, "-f", "-"], text);
            Assert.True(result.Succeeded, $"kubectl apply -f {example} failed:\n{result}");
            return;
        }
        var (key, value) = (byo.Split('=')[0], byo.Split('=', 2)[1]);
        var documents = Kaito.Api.V1Beta1.Serialization.YamlDocuments.ToJson(text);
        foreach (var document in documents.OfType<JsonObject>())
        {
            var resource = (document["resource"] ?? document["spec"]?["compute"]) as JsonObject;
            if (resource is null) continue;
            resource.Remove("instanceType");
            resource["labelSelector"] = new JsonObject { ["matchLabels"] = new JsonObject { [key] = value } };
            if (resource["preferredNodes"] is not null && Environment.GetEnvironmentVariable("KAITO_E2E_GPU_NODE") is { } gpuNode)
                resource["preferredNodes"] = new JsonArray(gpuNode);
        }
        foreach (var document in documents)
        {
            var applied = await Plane.KubectlAsync(["apply", "-n", ns, "-f", "-"], document.ToJsonString());
            Assert.True(applied.Succeeded, $"kubectl apply -f {example} (bring-your-own variant) failed:\n{applied}");
        }
    }

    /// <summary>`kubectl get KIND NAME` as a user reads it: column name → value.</summary>
    async Task<Dictionary<string, string>> Columns(string ns, string kind, string name)
    {
        // Columns are aligned under their headers and may be empty (JOBSTARTED of an inference Workspace), so cut by position.
        var lines = (await Plane.KubectlOkAsync("get", kind, name, "-n", ns)).StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var starts = System.Text.RegularExpressions.Regex.Matches(lines[0], "\\S+").Select(m => (m.Value, m.Index)).ToList();
        var row = lines[1].PadRight(lines[0].Length);
        return starts.Select((h, i) => (h.Value, Cell: row[h.Index..(i + 1 < starts.Count ? starts[i + 1].Index : row.Length)].Trim()))
            .ToDictionary(c => c.Value, c => c.Cell);
    }

    public static TheoryData<string, string> InferenceQuickStarts() => new()
    {
        { "examples/inference/kaito_workspace_phi_3.yaml", "workspace-phi-3-mini" },
        { "examples/inference/kaito_workspace_phi_3_with_adapters.yaml", "workspace-phi-3-mini-adapter" },
        { "examples/inference/kaito_workspace_phi_3.5-instruct.yaml", "workspace-phi-3-5-mini" },
    };

    [Theory]
    [MemberData(nameof(InferenceQuickStarts))]
    public async Task Inference_quick_start_turns_every_column_true(string example, string name)
    {
        await using var ns = await Plane.CreateNamespaceAsync("qs");

        await ApplyExampleAsync(ns.Name, example);
        await Plane.KubectlOkAsync("wait", "-n", ns.Name, "--for=condition=WorkspaceSucceeded", Wait, $"workspace/{name}");

        var columns = await Columns(ns.Name, "workspace", name);
        Assert.Equal("True", columns["RESOURCEREADY"]);
        Assert.Equal("True", columns["INFERENCEREADY"]);
        Assert.Equal("True", columns["WORKSPACESUCCEEDED"]);
        Assert.Equal("Ready", columns["STATE"]);
        await Plane.KubectlOkAsync("get", "service", name, "-n", ns.Name);
        if (ControlPlane.RealGpus) await CallModelAsync(ns.Name, name);
    }

    /// <summary>On real GPUs: /v1/models and /v1/chat/completions through the Service, from a curl pod.</summary>
    async Task CallModelAsync(string ns, string service)
    {
        var url = $"http://{service}.{ns}.svc.cluster.local";
        var models = await Plane.KubectlOkAsync("run", "curl-models", "-n", ns, "--rm", "-i", "--restart=Never", "--image=curlimages/curl:8.11.1",
            "--", "curl", "-sf", "--retry", "30", "--retry-all-errors", "--retry-delay", "10", url + "/v1/models");
        var id = JsonNode.Parse(models.StdOut[models.StdOut.IndexOf('{', StringComparison.Ordinal)..models.StdOut.LastIndexOf('}')] + "}")!["data"]![0]!["id"]!.GetValue<string>();
        var body = $$"""{"model":"{{id}}","messages":[{"role":"user","content":"Say hello."}],"max_tokens":16}""";
        var chat = await Plane.KubectlOkAsync("run", "curl-chat", "-n", ns, "--rm", "-i", "--restart=Never", "--image=curlimages/curl:8.11.1",
            "--", "curl", "-sf", "-H", "Content-Type: application/json", "-d", body, url + "/v1/chat/completions");
        Assert.Contains("chat.completion", chat.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Falcon_with_preferred_nodes_runs_on_the_existing_gpu_node_without_provisioning()
    {
        Assert.True(ControlPlane.IsLocal || Environment.GetEnvironmentVariable("KAITO_E2E_GPU_NODE") is not null,
            "on an existing cluster, set KAITO_E2E_GPU_NODE to a GPU node labelled apps=falcon-7b (or filter out Simulator tests)");
        var node = Environment.GetEnvironmentVariable("KAITO_E2E_GPU_NODE") ?? "gpu-node-1";
        if (ControlPlane.IsLocal) await Plane.KubectlOkAsync("apply", "-f", RepositoryPaths.Combine("hack/local-cluster/gpu-node-1.yaml"));
        await Plane.KubectlOkAsync("wait", "--for=condition=Ready", Wait, $"node/{node}");
        await using var ns = await Plane.CreateNamespaceAsync("qs-falcon");
        try
        {
            await ApplyExampleAsync(ns.Name, "examples/inference/kaito_workspace_falcon_7b_with_adapters.yaml");
            await Plane.KubectlOkAsync("wait", "-n", ns.Name, "--for=condition=WorkspaceSucceeded", Wait, "workspace/workspace-falcon-7b-adapter");

            var claims = await Plane.KubectlOkAsync("get", "nodeclaims", "-l", $"kaito.sh/workspace=workspace-falcon-7b-adapter,kaito.sh/workspacenamespace={ns.Name}", "-o", "name");
            Assert.Equal("", claims.StdOut.Trim());
            var pods = await Plane.KubectlOkAsync("get", "pods", "-n", ns.Name, "-l", "kaito.sh/workspace=workspace-falcon-7b-adapter", "-o", "jsonpath={.items[*].spec.nodeName}");
            Assert.Equal(node, pods.StdOut.Trim());
            var workers = await Plane.KubectlOkAsync("get", "workspace", "workspace-falcon-7b-adapter", "-n", ns.Name, "-o", "jsonpath={.status.workerNodes}");
            Assert.Contains(node, workers.StdOut, StringComparison.Ordinal);
            await Plane.KubectlOkAsync("delete", "-n", ns.Name, "workspace/workspace-falcon-7b-adapter", Wait);
            await Plane.KubectlOkAsync("get", "node", node);   // the user's node is theirs: never deleted by the operator
        }
        finally
        {
            if (ControlPlane.IsLocal) await Plane.KubectlAsync(["delete", "node", node, "--ignore-not-found"]);
        }
    }

    [Fact]
    public async Task Qlora_tuning_quick_start_starts_its_job_and_succeeds()
    {
        await using var ns = await Plane.CreateNamespaceAsync("qs-tune");

        await ApplyExampleAsync(ns.Name, "examples/fine-tuning/kaito_workspace_tuning_phi_3.yaml");
        await Plane.KubectlOkAsync("wait", "-n", ns.Name, "--for=condition=JobStarted", Wait, "workspace/workspace-tuning-phi-3");
        await Plane.KubectlOkAsync("wait", "-n", ns.Name, "--for=condition=WorkspaceSucceeded", Wait, "workspace/workspace-tuning-phi-3");

        var columns = await Columns(ns.Name, "workspace", "workspace-tuning-phi-3");
        Assert.Equal("True", columns["JOBSTARTED"]);
        Assert.Equal("True", columns["WORKSPACESUCCEEDED"]);
        await Plane.KubectlOkAsync("wait", "-n", ns.Name, "--for=condition=Complete", Wait, "job/workspace-tuning-phi-3");
    }

    [Fact]
    public async Task Ragengine_quick_start_turns_its_columns_true()
    {
        await using var ns = await Plane.CreateNamespaceAsync("qs-rag");

        await ApplyExampleAsync(ns.Name, "examples/RAG/kaito_ragengine_remote_embedding.yaml");
        await Plane.KubectlOkAsync("wait", "-n", ns.Name, "--for=condition=RAGEngineSucceeded", Wait, "ragengine/ragengine-remote-embedding");

        var columns = await Columns(ns.Name, "ragengine", "ragengine-remote-embedding");
        Assert.Equal("True", columns["RESOURCEREADY"]);
        Assert.Equal("True", columns["SERVICEREADY"]);
        await Plane.KubectlOkAsync("get", "service", "ragengine-remote-embedding", "-n", ns.Name);
    }

    [Fact]
    public async Task A_bad_workspace_is_refused_at_apply_with_every_field_named()
    {
        await using var ns = await Plane.CreateNamespaceAsync("qs-bad");
        const string manifest = """
            apiVersion: kaito.sh/v1beta1
            kind: Workspace
            metadata: {name: typo}
            resource:
              instanceType: Standard_NC6s_v4
              labelSelector: {matchLabels: {apps: typo}}
            inference:
              preset: {name: phi-3-mini-4k-instruc}
            """;

        var result = await Plane.KubectlAsync(["apply", "-n", ns.Name, "-f", "-"], manifest);

        Assert.False(result.Succeeded);
        Assert.Contains("resource.instanceType", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("inference.preset.name", result.StdErr, StringComparison.Ordinal);
        var listed = await Plane.KubectlOkAsync("get", "workspaces", "-n", ns.Name, "-o", "name");
        Assert.Equal("", listed.StdOut.Trim());
    }

    [Fact]
    public async Task Changing_the_adapter_rolls_the_workload_to_pods_pulling_the_new_image()
    {
        await using var ns = await Plane.CreateNamespaceAsync("qs-adapter");
        const string example = "examples/inference/kaito_workspace_phi_3_with_adapters.yaml";
        var original = await File.ReadAllTextAsync(RepositoryPaths.Combine(example));
        await ApplyExampleAsync(ns.Name, example);
        await Plane.KubectlOkAsync("wait", "-n", ns.Name, "--for=condition=WorkspaceSucceeded", Wait, "workspace/workspace-phi-3-mini-adapter");
        var before = (await Plane.KubectlOkAsync("get", "pods", "-n", ns.Name, "-l", "kaito.sh/workspace=workspace-phi-3-mini-adapter", "-o", "jsonpath={.items[*].metadata.name}")).StdOut.Trim();

        var image = Assert.Single(original.Split('\n'), l => l.Trim().StartsWith("image:", StringComparison.Ordinal)).Split("image:")[1].Trim().Trim('"');
        await ApplyExampleAsync(ns.Name, example, text => text.Replace(image, "mcr.microsoft.com/aks/kaito/kaito-phi-3-adapter-v2:0.0.2", StringComparison.Ordinal));

        var after = await Eventually.WaitAsync(async () =>
        {
            var pods = await Plane.GetJsonAsync("pods", "-n", ns.Name, "-l", "kaito.sh/workspace=workspace-phi-3-mini-adapter");
            var items = pods["items"]!.AsArray();
            if (items.Count != 1 || items[0]!["metadata"]!["name"]!.GetValue<string>() == before) return null;
            return items[0]!["status"]?["conditions"]?.AsArray().Any(c => c!["type"]!.GetValue<string>() == "Ready" && c["status"]!.GetValue<string>() == "True") == true ? items[0] : null;
        }, TimeSpan.FromMinutes(3), "a ready pod with the new adapter");

        Assert.Contains("kaito-phi-3-adapter-v2:0.0.2", after!["spec"]!["initContainers"]!.ToJsonString(), StringComparison.Ordinal);
        await Plane.KubectlOkAsync("wait", "-n", ns.Name, "--for=condition=WorkspaceSucceeded", Wait, "workspace/workspace-phi-3-mini-adapter");
    }

    [Fact]
    public async Task Deleting_the_quick_start_removes_its_nodes_and_workload()
    {
        await using var ns = await Plane.CreateNamespaceAsync("qs-delete");
        await ApplyExampleAsync(ns.Name, "examples/inference/kaito_workspace_phi_3.5-instruct.yaml");
        await Plane.KubectlOkAsync("wait", "-n", ns.Name, "--for=condition=ResourceReady", Wait, "workspace/workspace-phi-3-5-mini");

        await Plane.KubectlOkAsync("delete", "-n", ns.Name, "workspace/workspace-phi-3-5-mini", Wait);

        var claims = await Plane.KubectlOkAsync("get", "nodeclaims", "-l", $"kaito.sh/workspace=workspace-phi-3-5-mini,kaito.sh/workspacenamespace={ns.Name}", "-o", "name");
        Assert.Equal("", claims.StdOut.Trim());
        await Plane.KubectlOkAsync("wait", "-n", ns.Name, "--for=delete", Wait, "deployment/workspace-phi-3-5-mini", "service/workspace-phi-3-5-mini");
    }
}

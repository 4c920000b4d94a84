using System.Text.Json.Nodes;
using Kaito.Api.V1Beta1.Serialization;
using Kaito.Testing;

namespace Kaito.E2E.Tests;

/// <summary>
/// The remote-embedding RAG quick start on the real node as a CPU node: a remote embedding needs no GPU, so the
/// service runs on the cluster's ordinary nodes. The other schedulable nodes (simulated) are cordoned for the test, so
/// the scheduler has the real node only.
/// </summary>
public sealed partial class RealNodeWorkloadTests
{
    [Fact]
    public async Task The_remote_embedding_rag_quick_start_answers_from_a_real_container_on_a_cpu_node()
    {
        const string Example = "examples/RAG/kaito_ragengine_remote_embedding.yaml";
        await using var ns = await Plane.CreateNamespaceAsync("real-rag-remote");
        var rag = YamlDocuments.ToJson(await File.ReadAllTextAsync(RepositoryPaths.Combine(Example))).OfType<JsonObject>().Single();
        rag["metadata"]!["namespace"] = ns.Name;
        var name = rag["metadata"]!["name"]!.GetValue<string>();
        var compute = (JsonObject)rag["spec"]!["compute"]!;
        var remote = rag["spec"]!["embedding"]!["remote"]!;
        await Plane.KubectlOkAsync("create", "secret", "generic", remote["accessSecret"]!.GetValue<string>(), "-n", ns.Name, "--from-literal=EMBEDDING_ACCESS_SECRET=local-test-key");
        await node.BecomeCpuNodeAsync(compute["instanceType"]!.GetValue<string>(),
            compute["labelSelector"]!["matchLabels"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>()));
        var cordoned = new List<string>();
        try
        {
            var nodes = JsonNode.Parse((await Plane.KubectlOkAsync("get", "nodes", "-o", "json")).StdOut)!["items"]!.AsArray();
            foreach (var other in nodes.Where(n => n!["metadata"]!["name"]!.GetValue<string>() != RealGpuNode.Name && n["spec"]?["unschedulable"] is null))
            {
                var otherName = other!["metadata"]!["name"]!.GetValue<string>();
                await Plane.KubectlOkAsync("cordon", otherName);
                cordoned.Add(otherName);
            }
            var clock = System.Diagnostics.Stopwatch.StartNew();
            await ApplyAsync(rag);
            var ready = await Plane.KubectlAsync(["wait", "-n", ns.Name, "--for=condition=RAGEngineSucceeded", Wait, $"ragengine/{name}"]);
            var status = await Plane.KubectlAsync(["get", "ragengine", name, "-n", ns.Name, "-o", "jsonpath={.status}"]);
            Assert.True(ready.Succeeded, $"{ready}\nstatus: {status.StdOut}\n{(await Plane.KubectlAsync(["get", "pods", "-n", ns.Name, "-o", "wide"])).StdOut}");
            output.WriteLine($"{Example}: RAGEngineSucceeded {clock.Elapsed.TotalSeconds:0.0}s after kubectl apply");

            var pod = JsonNode.Parse((await Plane.KubectlOkAsync("get", "pods", "-n", ns.Name, "-l", $"kaito.sh/ragengine={name}", "-o", "json")).StdOut)!["items"]!.AsArray().Single()!;
            Assert.Equal(RealGpuNode.Name, pod["spec"]!["nodeName"]!.GetValue<string>());
            Assert.Null(pod["spec"]!["containers"]![0]!["resources"]?["limits"]?["nvidia.com/gpu"]);
            // No NodeClaim for a CPU service.
            Assert.Equal("", (await Plane.KubectlOkAsync("get", "nodeclaims", "-l", $"kaito.sh/ragengine={name}", "-o", "name")).StdOut.Trim());

            Assert.Equal("Healthy", JsonNode.Parse(await ProxyGetAsync(ns.Name, name, "/health"))!["status"]!.GetValue<string>());
            await ProxyPostAsync(ns.Name, name, "/index", """{"index_name": "docs", "documents": [{"text": "remote embeddings need no GPU"}, {"text": "local embeddings run on a GPU node"}]}""");
            var answer = JsonNode.Parse(await ProxyPostAsync(ns.Name, name, "/query", """{"index_name": "docs", "query": "what needs no GPU?", "top_k": 1}"""))!;
            Assert.Equal("[rag test double] remote embeddings need no GPU", answer["response"]!.GetValue<string>());
            Assert.Equal(rag["spec"]!["inferenceService"]!["url"]!.GetValue<string>(), answer["metadata"]!["llm"]!.GetValue<string>());
            await Plane.KubectlOkAsync("delete", "ragengine", name, "-n", ns.Name, "--wait=true", "--timeout=120s");
        }
        finally
        {
            foreach (var other in cordoned) await Plane.KubectlAsync(["uncordon", other]);
        }
    }
}

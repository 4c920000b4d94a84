using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Kaito.Api.V1Beta1.Serialization;
using Kaito.Presets;
using Kaito.Testing;

namespace Kaito.E2E.Tests;

/// <summary>
/// The QLoRA quick start on the real node: its parquet fetched by the downloader (the operator image's guarded `fetch`) from a data server on
/// the test network, the trainer double writing an adapter from it, the pusher (the crane stand-in) pushing it to the
/// local registry, which the test reads back through the registry API; then the pushed adapter served by an inference
/// Workspace, through the adapter init container that runs the pushed image.
/// </summary>
public sealed partial class RealNodeWorkloadTests
{
    const string TuningExample = "examples/fine-tuning/kaito_workspace_tuning_phi_3.yaml";

    [Fact]
    public async Task The_qlora_quick_start_downloads_trains_pushes_and_its_adapter_is_served()
    {
        await using var ns = await Plane.CreateNamespaceAsync("real-tune");
        var workspace = YamlDocuments.ToJson(await File.ReadAllTextAsync(RepositoryPaths.Combine(TuningExample))).OfType<JsonObject>().Single();
        var name = workspace["metadata"]!["name"]!.GetValue<string>();
        workspace["metadata"]!["namespace"] = ns.Name;

        // The example's dataset URL, served from this machine: same path and query, the test network's address.
        var url = new Uri(workspace["tuning"]!["input"]!["urls"]![0]!.GetValue<string>());
        var dataDir = Directory.CreateTempSubdirectory("kaito-tuning-data-").FullName;
        var fileName = url.Segments[^1];
        byte[] dataset = [.. "PAR1"u8, .. RandomNumberGenerator.GetBytes(2048), .. "PAR1"u8];   // Parquet-shaped: the trainer double checks the magic only
        var served = Path.Combine(dataDir, url.AbsolutePath.TrimStart('/'));
        Directory.CreateDirectory(Path.GetDirectoryName(served)!);
        await File.WriteAllBytesAsync(served, dataset);
        var port = FreePort();
        using var server = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("/bin/busybox", ["httpd", "-f", "-v", "-p", $"{RealGpuNode.Address}:{port}", "-h", dataDir])
        {
            RedirectStandardError = true, RedirectStandardOutput = true,
        })!;
        try
        {
            workspace["tuning"]!["input"]!["urls"] = new JsonArray($"http://{RealGpuNode.Address}:{port}{url.PathAndQuery}");
            var adapterImage = $"{Registry}/kaito-tuned/phi-3-qlora-adapter:{ns.Name}";
            workspace["tuning"]!["output"]!["image"] = adapterImage;
            workspace["tuning"]!["output"]!["imagePushSecret"] = "local-registry";
            await Plane.KubectlOkAsync("create", "secret", "docker-registry", "local-registry", "-n", ns.Name, $"--docker-server={Registry}", "--docker-username=kaito", "--docker-password=local");
            var resource = (JsonObject)workspace["resource"]!;
            resource["preferredNodes"] = new JsonArray(RealGpuNode.Name);
            var sku = await node.BecomeAsync(resource["instanceType"]!.GetValue<string>(),
                resource["labelSelector"]!["matchLabels"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>()));
            var preset = ModelCatalog.Default.Find(workspace["tuning"]!["preset"]!["name"]!.GetValue<string>())!;
            await PublishDoubleAsAsync(new ModelImages(PresetRegistry).For(preset));
            output.WriteLine($"{TuningExample}: the real node is a {sku.Name}; data at {workspace["tuning"]!["input"]!["urls"]![0]}; adapter to {adapterImage}");

            // A dataset URL the server does not have: the downloader fails (HTTP 404, exit 1), and status says so with the pod.
            var real = workspace["tuning"]!["input"]!["urls"]!.DeepClone();
            workspace["tuning"]!["input"]!["urls"] = new JsonArray($"http://{RealGpuNode.Address}:{port}/missing/train.parquet");
            await ApplyAsync(workspace);
            var failure = await WorkspaceConditionAsync(ns.Name, name, "WorkspaceSucceeded", "TuningJobFailed");
            Assert.Contains("init container data-downloader exited with code 1", failure, StringComparison.Ordinal);
            await DeleteAndWaitAsync(ns.Name, name);
            workspace["tuning"]!["input"]!["urls"] = real;

            var clock = System.Diagnostics.Stopwatch.StartNew();
            await ApplyAsync(workspace);
            var done = await Plane.KubectlAsync(["wait", "-n", ns.Name, "--for=condition=WorkspaceSucceeded", Wait, $"workspace/{name}"]);
            Assert.True(done.Succeeded, $"{done}\n{await DescribeAsync(ns.Name, name)}");
            output.WriteLine($"{TuningExample}: WorkspaceSucceeded {clock.Elapsed.TotalSeconds:0.0}s after kubectl apply");
            var state = (await Plane.KubectlOkAsync("get", "workspace", name, "-n", ns.Name, "-o", "jsonpath={.status.state}")).StdOut;
            Assert.Equal("Succeeded", state);

            // The Job's pod ran on the real node, and the downloader fetched the file from this machine's server.
            var pod = JsonNode.Parse((await Plane.KubectlOkAsync("get", "pods", "-n", ns.Name, "-l", $"kaito.sh/workspace={name}", "-o", "json")).StdOut)!["items"]!.AsArray().Single()!;
            Assert.Equal(RealGpuNode.Name, pod["spec"]!["nodeName"]!.GetValue<string>());
            Assert.Equal("Succeeded", pod["status"]!["phase"]!.GetValue<string>());

            // The registry lists the tag; the adapter layer holds what the trainer wrote, from the bytes the server served.
            using var http = new HttpClient { BaseAddress = new Uri($"http://{Registry}/") };
            var repository = "kaito-tuned/phi-3-qlora-adapter";
            var tags = JsonNode.Parse(await http.GetStringAsync($"v2/{repository}/tags/list"))!["tags"]!.AsArray().Select(t => t!.GetValue<string>());
            Assert.Contains(ns.Name, tags);
            var manifest = await GetManifestAsync(http, repository, ns.Name);
            var layers = manifest["layers"]!.AsArray();
            Assert.True(layers.Count >= 2, "the adapter layer sits on the adapter base's layers");
            var files = await ReadLayerAsync(http, repository, layers[^1]!["digest"]!.GetValue<string>());
            Assert.True(files.ContainsKey("data/adapter_model.safetensors"), string.Join(", ", files.Keys));
            Assert.False(files.ContainsKey("data/fine_tuning_completed.txt"), "the completion marker is not part of the adapter");
            var adapterConfig = JsonNode.Parse(files["data/adapter_config.json"])!;
            Assert.Equal(fileName, adapterConfig["trained_on"]!.GetValue<string>());
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(dataset)), adapterConfig["trained_on_sha256"]!.GetValue<string>());
            Assert.True(adapterConfig["load_in_4bit"]!.GetValue<bool>(), "qlora trains on 4-bit weights");
            output.WriteLine($"{TuningExample}: pushed {adapterImage} ({layers.Count} layers), read back through the registry API");
            await DeleteAndWaitAsync(ns.Name, name);

            // The pushed image is an adapter image: an inference Workspace's init container runs it and the server lists it.
            var inference = await PrepareExampleAsync("examples/inference/kaito_workspace_phi_3_with_adapters.yaml", ns.Name);
            var serving = inference["metadata"]!["name"]!.GetValue<string>();
            inference["inference"]!["adapters"] = new JsonArray(new JsonObject
            {
                ["source"] = new JsonObject { ["name"] = "tuned", ["image"] = adapterImage }, ["strength"] = "0.5",
            });
            await ApplyAsync(inference);
            var ready = await Plane.KubectlAsync(["wait", "-n", ns.Name, "--for=condition=WorkspaceSucceeded", Wait, $"workspace/{serving}"]);
            Assert.True(ready.Succeeded, $"{ready}\n{await DescribeAsync(ns.Name, serving)}");
            var models = JsonNode.Parse(await ProxyGetAsync(ns.Name, serving, "/v1/models"))!["data"]!.AsArray();
            Assert.Contains(models, m => m!["id"]!.GetValue<string>() == "tuned" && m["strength"]?.GetValue<string>() == "0.5");
            await DeleteAndWaitAsync(ns.Name, serving);
        }
        finally
        {
            server.Kill();
            await server.WaitForExitAsync();
            output.WriteLine($"data server log: {(await server.StandardError.ReadToEndAsync()).Trim()}");
            Directory.Delete(dataDir, recursive: true);
        }
    }

    static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Parse(RealGpuNode.Address), 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    static async Task<JsonNode> GetManifestAsync(HttpClient http, string repository, string tag)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"v2/{repository}/manifests/{tag}");
        request.Headers.Accept.ParseAdd("application/vnd.docker.distribution.manifest.v2+json");
        request.Headers.Accept.ParseAdd("application/vnd.oci.image.manifest.v1+json");
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    /// <summary>The regular files of a gzip layer, by path (no leading ./), as text.</summary>
    static async Task<Dictionary<string, string>> ReadLayerAsync(HttpClient http, string repository, string digest)
    {
        var blob = await http.GetByteArrayAsync($"v2/{repository}/blobs/{digest}");
        Assert.Equal(digest, "sha256:" + Convert.ToHexStringLower(SHA256.HashData(blob)));
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var tar = new TarReader(new GZipStream(new MemoryStream(blob), CompressionMode.Decompress));
        while (await tar.GetNextEntryAsync() is { } entry)
        {
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null) continue;
            using var reader = new StreamReader(entry.DataStream);
            files[entry.Name.TrimStart('.', '/')] = await reader.ReadToEndAsync();
        }
        return files;
    }
}

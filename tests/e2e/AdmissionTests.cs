using System.Text.Json.Nodes;
using Kaito.Testing;

namespace Kaito.E2E.Tests;

/// <summary>kubectl against the real API server with the operator's admission webhooks registered.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class AdmissionTests(ControlPlaneFixture fixture) : IAsyncLifetime
{
    ControlPlane Plane => fixture.Plane;

    public Task InitializeAsync() => fixture.Plane.EnsureOperatorAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    public static TheoryData<InvalidManifest> CreateRejections() => [.. InvalidManifests.Create()];

    [Fact]
    public void At_least_forty_distinct_invalid_manifests_are_exercised()
    {
        var all = InvalidManifests.Create().Concat(UpdateList.Select(u => new InvalidManifest(u.Case, u.Updated, u.Fields))).ToList();
        Assert.True(all.Count >= 40, $"{all.Count} manifests");
        Assert.Equal(all.Count, all.Select(m => m.Yaml).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(CreateRejections))]
    public async Task Invalid_manifest_is_rejected_and_kubectl_names_every_bad_field(InvalidManifest manifest)
    {
        await using var ns = await Plane.CreateNamespaceAsync("deny");

        var result = await Plane.KubectlAsync(["apply", "-n", ns.Name, "-f", "-"], manifest.Yaml);

        Assert.False(result.Succeeded, $"{manifest.Case} was accepted:\n{manifest.Yaml}\n{result}");
        Assert.Contains(" is invalid", result.StdErr, StringComparison.Ordinal);
        foreach (var field in manifest.Fields)
            Assert.True(result.StdErr.Contains(field + ": ", StringComparison.Ordinal), $"{manifest.Case}: stderr does not name {field}:\n{result.StdErr}");
    }

    public sealed record UpdateRejection(string Case, string Original, string Updated, params string[] Fields)
    {
        public override string ToString() => Case;
    }

    const string BaseInference = """
        apiVersion: kaito.sh/v1beta1
        kind: Workspace
        metadata: {name: upd}
        resource:
          instanceType: Standard_NC6s_v3
          labelSelector: {matchLabels: {apps: upd}}
        inference:
          preset: {name: phi-3-mini-4k-instruct}
        """;

    const string BaseTuning = """
        apiVersion: kaito.sh/v1beta1
        kind: Workspace
        metadata: {name: upd}
        resource:
          instanceType: Standard_NC6s_v3
          labelSelector: {matchLabels: {apps: upd}}
        tuning:
          preset: {name: phi-3-mini-128k-instruct}
          method: qlora
          input: {name: data, urls: ["https://example.com/d.parquet"]}
          output: {image: "registry.example.com/a:1", imagePushSecret: push}
        """;

    const string BaseRag = """
        apiVersion: kaito.sh/v1beta1
        kind: RAGEngine
        metadata: {name: upd}
        spec:
          compute:
            instanceType: Standard_NC4as_T4_v3
            labelSelector: {matchLabels: {apps: rag}}
          embedding:
            local: {modelID: BAAI/bge-small-en-v1.5}
          inferenceService: {contextWindowSize: 4096}
        """;

    static string Replace(string text, string from, string to) =>
        text.Contains(from, StringComparison.Ordinal) ? text.Replace(from, to, StringComparison.Ordinal) : throw new ArgumentException($"'{from}' not found");

    public static TheoryData<UpdateRejection> UpdateRejections() => [.. UpdateList];

    static readonly UpdateRejection[] UpdateList =
    [
        new("instance type changed", BaseInference, Replace(BaseInference, "Standard_NC6s_v3", "Standard_NC12s_v3"), "resource.instanceType"),
        new("preset changed", BaseInference, Replace(BaseInference, "phi-3-mini-4k-instruct", "phi-3-mini-128k-instruct"), "inference.preset"),
        new("label selector changed", BaseInference, Replace(BaseInference, "apps: upd", "apps: other"), "resource.labelSelector"),
        new("count changed", BaseInference, Replace(BaseInference, "  instanceType:", "  count: 2\n  instanceType:"), "resource.count"),
        new("inference switched to tuning", BaseInference, Replace(BaseTuning, "apps: upd", "apps: upd"), "tuning"),
        new("tuning method changed", BaseTuning, Replace(BaseTuning, "method: qlora", "method: lora"), "tuning.method"),
        new("tuning input renamed", BaseTuning, Replace(BaseTuning, "name: data,", "name: other,"), "tuning.input.name"),
        new("bad adapter added on update", BaseInference, BaseInference + "\n  adapters:\n  - source: {name: \"Bad Name\", image: \"r.io/a:1\"}\n", "inference.adapters[0].source.name"),
        new("annotation broken on update", BaseInference, Replace(BaseInference, "metadata: {name: upd}", "metadata: {name: upd, annotations: {kaito.sh/performance-mode: warp}}"), "metadata.annotations[kaito.sh/performance-mode]"),
        new("rag compute removed", BaseRag, Replace(BaseRag, "  compute:\n    instanceType: Standard_NC4as_T4_v3\n    labelSelector: {matchLabels: {apps: rag}}\n", ""), "spec.compute"),
    ];

    [Theory]
    [MemberData(nameof(UpdateRejections))]
    public async Task Update_of_an_immutable_or_invalid_field_is_rejected(UpdateRejection update)
    {
        await using var ns = await Plane.CreateNamespaceAsync("update");
        var created = await Plane.KubectlAsync(["apply", "-n", ns.Name, "-f", "-"], update.Original);
        Assert.True(created.Succeeded, created.ToString());

        var result = await Plane.KubectlAsync(["apply", "-n", ns.Name, "-f", "-"], update.Updated);

        Assert.False(result.Succeeded, $"{update.Case} was accepted\n{result}");
        foreach (var field in update.Fields)
            Assert.True(result.StdErr.Contains(field + ": ", StringComparison.Ordinal), $"{update.Case}: stderr does not name {field}:\n{result.StdErr}");
    }

    [Fact]
    public async Task Valid_workspace_is_created_with_defaults_visible_in_get_yaml()
    {
        await using var ns = await Plane.CreateNamespaceAsync("defaults");
        const string manifest = """
            apiVersion: kaito.sh/v1beta1
            kind: Workspace
            metadata: {name: defaults}
            resource:
              labelSelector: {matchLabels: {apps: d}}
            inference:
              preset: {name: phi-3-mini-4k-instruct}
              adapters:
              - source: {name: adapter, image: "registry.example.com/adapter:1"}
            """;

        var created = await Plane.KubectlAsync(["apply", "-n", ns.Name, "-f", "-"], manifest);
        var stored = await Plane.KubectlAsync(["get", "workspace", "defaults", "-n", ns.Name, "-o", "json"]);

        Assert.True(created.Succeeded, created.ToString());
        Assert.Contains("Warning: resource.instanceType defaulted to", created.StdErr, StringComparison.Ordinal);
        var json = JsonNode.Parse(stored.StdOut)!;
        Assert.Equal(1, json["resource"]!["count"]!.GetValue<int>());
        Assert.False(string.IsNullOrEmpty(json["resource"]!["instanceType"]!.GetValue<string>()));
        Assert.Equal("public", json["inference"]!["preset"]!["accessMode"]!.GetValue<string>());
        Assert.Equal("1.0", json["inference"]!["adapters"]![0]!["strength"]!.GetValue<string>());
        var yaml = await Plane.KubectlAsync(["get", "workspace", "defaults", "-n", ns.Name, "-o", "yaml"]);
        Assert.Contains("strength: \"1.0\"", yaml.StdOut, StringComparison.Ordinal);
    }

    public static TheoryData<string> Examples() => CrdSchemaTests.Examples();

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task Every_example_is_created_and_the_falcon_adapter_gets_the_runtime_warning(string example)
    {
        await using var ns = await Plane.CreateNamespaceAsync("example");

        var result = await Plane.KubectlAsync(["create", "-n", ns.Name, "-f", RepositoryPaths.Combine(example)]);

        Assert.True(result.Succeeded, result.ToString());
        var expectWarning = example.EndsWith("kaito_workspace_falcon_7b_with_adapters.yaml", StringComparison.Ordinal);
        Assert.Equal(expectWarning, result.StdErr.Contains("needs the transformers runtime", StringComparison.Ordinal));
        if (expectWarning)
        {
            var runtime = await Plane.KubectlAsync(["get", "wk", "workspace-falcon-7b-adapter", "-n", ns.Name, "-o", "jsonpath={.metadata.annotations.kaito\\.sh/runtime}"]);
            Assert.Equal("transformers", runtime.StdOut);
        }
    }

    [Fact]
    public async Task Status_write_is_accepted_where_the_same_change_to_the_spec_is_denied()
    {
        await using var ns = await Plane.CreateNamespaceAsync("status");
        // Paused, so the operator's own status writes do not race the ones this test makes.
        var paused = Replace(BaseInference, "metadata: {name: upd}", "metadata: {name: upd, annotations: {kaito.sh/paused: \"true\"}}");
        Assert.True((await Plane.KubectlAsync(["apply", "-n", ns.Name, "-f", "-"], paused)).Succeeded);
        var current = JsonNode.Parse((await Plane.KubectlAsync(["get", "wk", "upd", "-n", ns.Name, "-o", "json"])).StdOut)!.AsObject();
        current["resource"]!["instanceType"] = "Standard_NC12s_v3";
        current["status"] = new JsonObject { ["state"] = "Pending", ["workerNodes"] = new JsonArray("node-a") };
        var body = current.ToJsonString();

        var statusWrite = await Plane.KubectlAsync(["replace", "--subresource=status", "-n", ns.Name, "-f", "-"], body);
        ProcessResult specWrite;
        var attempts = 0;
        do
        {
            // The operator writes this Workspace too (finalizer, status): retry on a conflict, as any client would.
            var fresh = JsonNode.Parse((await Plane.KubectlAsync(["get", "wk", "upd", "-n", ns.Name, "-o", "json"])).StdOut)!.AsObject();
            fresh["resource"]!["instanceType"] = "Standard_NC12s_v3";
            specWrite = await Plane.KubectlAsync(["replace", "-n", ns.Name, "-f", "-"], fresh.ToJsonString());
        }
        while (specWrite.StdErr.Contains("(Conflict)", StringComparison.Ordinal) && ++attempts < 10);

        Assert.True(statusWrite.Succeeded, statusWrite.ToString());
        Assert.False(specWrite.Succeeded, specWrite.ToString());
        Assert.Contains("resource.instanceType: ", specWrite.StdErr, StringComparison.Ordinal);
        var after = JsonNode.Parse((await Plane.KubectlAsync(["get", "wk", "upd", "-n", ns.Name, "-o", "json"])).StdOut)!;
        Assert.Equal("Pending", after["status"]!["state"]!.GetValue<string>());
        Assert.Equal("Standard_NC6s_v3", after["resource"]!["instanceType"]!.GetValue<string>());
    }
}

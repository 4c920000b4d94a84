using System.Text.RegularExpressions;
using Kaito.Testing;

namespace Kaito.E2E.Tests;

[Collection(ControlPlaneCollection.Name)]
public sealed class CrdSchemaTests(ControlPlaneFixture fixture)
{
    ControlPlane Plane => fixture.Plane;

    public static TheoryData<string> Examples() =>
        [.. Directory.GetFiles(RepositoryPaths.Combine("examples"), "*.yaml", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(RepositoryPaths.Root, f)).Order(StringComparer.Ordinal)];

    [Theory]
    [InlineData("workspaces.kaito.sh")]
    [InlineData("ragengines.kaito.sh")]
    [InlineData("nodeclaims.karpenter.sh")]
    public async Task Crd_is_installed_and_established(string crd)
    {
        var result = await Plane.KubectlAsync(["get", "crd", crd, "-o",
            "jsonpath={.status.conditions[?(@.type==\"Established\")].status}"]);

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal("True", result.StdOut);
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task Example_passes_server_side_dry_run(string example)
    {
        await using var ns = await Plane.CreateNamespaceAsync("examples");

        var result = await Plane.KubectlAsync(["apply", "--dry-run=server", "-n", ns.Name, "-f", RepositoryPaths.Combine(example)]);

        Assert.True(result.Succeeded, result.ToString());
        Assert.Contains("created (server dry run)", result.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_types_and_values_outside_an_enum_are_rejected_naming_each_field()
    {
        await using var ns = await Plane.CreateNamespaceAsync("schema");
        const string manifest = """
            apiVersion: kaito.sh/v1beta1
            kind: Workspace
            metadata: {name: bad}
            resource:
              count: two
              labelSelector: {matchLabels: {apps: x}}
              partition: {mode: timeslice}
            inference:
              preset: {name: phi-4, accessMode: secret}
            """;

        // --validate=false: the API server's structural schema must reject it, not kubectl's client-side check.
        var result = await Plane.KubectlAsync(["apply", "--validate=false", "-n", ns.Name, "-f", "-"], manifest);

        Assert.False(result.Succeeded, result.ToString());
        Assert.Contains("resource.count: Invalid value", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("must be of type integer", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("resource.partition.mode: Unsupported value: \"timeslice\"", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("inference.preset.accessMode: Unsupported value: \"secret\"", result.StdErr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("kaito.sh/v1alpha1")]
    [InlineData("kaito.sh/v1beta1")]
    public async Task Required_fields_are_enforced_for_both_versions(string apiVersion)
    {
        await using var ns = await Plane.CreateNamespaceAsync("required");
        var manifest = $$"""
            apiVersion: {{apiVersion}}
            kind: Workspace
            metadata: {name: missing}
            resource: {instanceType: Standard_NC6s_v3}
            tuning:
              preset: {name: phi-3-mini-128k-instruct}
              input: {urls: ["https://example.com/data.parquet"]}
            """;

        var result = await Plane.KubectlAsync(["create", "--validate=false", "-n", ns.Name, "-f", "-"], manifest);

        Assert.False(result.Succeeded, result.ToString());
        Assert.Contains("resource.labelSelector: Required value", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("tuning.output: Required value", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ragengine_schema_rejects_a_missing_embedding_and_a_non_integer_context_window()
    {
        await using var ns = await Plane.CreateNamespaceAsync("rag-schema");
        const string manifest = """
            apiVersion: kaito.sh/v1beta1
            kind: RAGEngine
            metadata: {name: bad}
            spec:
              compute: {labelSelector: {matchLabels: {apps: rag}}}
              inferenceService: {url: "http://x", contextWindowSize: large}
            """;

        var result = await Plane.KubectlAsync(["create", "--validate=false", "-n", ns.Name, "-f", "-"], manifest);

        Assert.False(result.Succeeded, result.ToString());
        Assert.Contains("spec.embedding: Required value", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("spec.inferenceService.contextWindowSize: Invalid value", result.StdErr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("workspace.resource.instanceType", "GPU VM size (SKU) to provision")]
    [InlineData("workspace.tuning.input.volumeSource", "volume source")]
    [InlineData("ragengine.spec.embedding.local.modelID", "Hugging Face model id")]
    public async Task Kubectl_explain_prints_the_field_description(string field, string expected)
    {
        var result = await Plane.KubectlAsync(["explain", field]);

        Assert.True(result.Succeeded, result.ToString());
        Assert.Contains(expected, Regex.Replace(result.StdOut, @"\s+", " "), StringComparison.Ordinal);
    }
}

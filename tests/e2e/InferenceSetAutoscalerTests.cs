using System.Text.Json.Nodes;
using Kaito.Testing;

namespace Kaito.E2E.Tests;

/// <summary>
/// KAITO's scaledobject.kaito.sh annotations: without KEDA the set says so; once the ScaledObject API exists (the
/// stand-in CRD of tests/e2e/Fixtures) the operator writes one targeting the set; without the annotations it goes.
/// Exclusive: it installs and removes a cluster-wide API.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
[Trait("Requires", "LocalControlPlane")]
[Trait("Category", "Exclusive")]
public sealed class InferenceSetAutoscalerTests(ControlPlaneFixture fixture) : IAsyncLifetime
{
    const string Crd = "tests/e2e/Fixtures/keda-scaledobjects-crd.yaml";
    const string Set = "scaled-set";

    ControlPlane Plane => fixture.Plane;

    public async Task InitializeAsync()
    {
        await Plane.EnsureOperatorAsync();
        await RemoveCrdAsync();
    }

    public Task DisposeAsync() => RemoveCrdAsync();

    Task RemoveCrdAsync() => Plane.KubectlAsync(["delete", "-f", RepositoryPaths.Combine(Crd), "--ignore-not-found", "--timeout=60s"]);

    static string Manifest(string threshold) => $$$"""
        apiVersion: kaito.sh/v1beta1
        kind: InferenceSet
        metadata:
          name: {{{Set}}}
          annotations:
            scaledobject.kaito.sh/auto-provision: "true"
            scaledobject.kaito.sh/threshold: "{{{threshold}}}"
            scaledobject.kaito.sh/max-replicas: "3"
        spec:
          replicas: 1
          labelSelector: {matchLabels: {apps: scaled-set}}
          template:
            resource: {instanceType: Standard_NC24ads_A100_v4}
            inference: {preset: {name: phi-3.5-mini-instruct}}
        """;

    async Task<JsonNode?> ConditionAsync(string ns) => KubectlJson.Condition(await Plane.GetJsonAsync("inferenceset", Set, "-n", ns), "Autoscaler");

    [Fact]
    public async Task The_scaled_object_follows_the_annotations_and_keda_being_installed()
    {
        await using var ns = await Plane.CreateNamespaceAsync("iset-keda");

        var bad = await Plane.KubectlAsync(["apply", "-n", ns.Name, "-f", "-"], Manifest("many"));
        Assert.False(bad.Succeeded);
        Assert.Contains("metadata.annotations[scaledobject.kaito.sh/threshold]", bad.StdErr, StringComparison.Ordinal);

        var applied = await Plane.KubectlAsync(["apply", "-n", ns.Name, "-f", "-"], Manifest("10"));
        Assert.True(applied.Succeeded, applied.ToString());
        await Eventually.WaitAsync(async () => (await ConditionAsync(ns.Name))?["reason"]?.GetValue<string>() == "KedaNotInstalled",
            TimeSpan.FromSeconds(60), "the Autoscaler condition to say KEDA is not installed");

        var crd = await Plane.KubectlAsync(["apply", "-f", RepositoryPaths.Combine(Crd)]);
        Assert.True(crd.Succeeded, crd.ToString());
        var scaled = await Eventually.WaitAsync(async () =>
        {
            var read = await Plane.KubectlAsync(["get", "scaledobjects.keda.sh", Set, "-n", ns.Name, "-o", "json", "--ignore-not-found"]);
            return read.Succeeded && read.StdOut.Trim().Length > 0 ? JsonNode.Parse(read.StdOut)!.AsObject() : null;
        }, TimeSpan.FromSeconds(90), "the operator to write the ScaledObject once its API exists");
        var spec = scaled["spec"]!;
        Assert.Equal("InferenceSet", spec["scaleTargetRef"]!["kind"]!.GetValue<string>());
        Assert.Equal(Set, spec["scaleTargetRef"]!["name"]!.GetValue<string>());
        Assert.Equal((1, 3), (spec["minReplicaCount"]!.GetValue<int>(), spec["maxReplicaCount"]!.GetValue<int>()));
        Assert.Equal("10", spec["triggers"]![0]!["metadata"]!["threshold"]!.GetValue<string>());
        Assert.Equal("InferenceSet", scaled["metadata"]!["ownerReferences"]![0]!["kind"]!.GetValue<string>());
        await Eventually.WaitAsync(async () => (await ConditionAsync(ns.Name))?["status"]?.GetValue<string>() == "True",
            TimeSpan.FromSeconds(60), "the Autoscaler condition to turn True");

        var removed = await Plane.KubectlAsync(["annotate", "inferenceset", Set, "-n", ns.Name, "scaledobject.kaito.sh/auto-provision-"]);
        Assert.True(removed.Succeeded, removed.ToString());
        await Eventually.WaitAsync(async () =>
        {
            var read = await Plane.KubectlAsync(["get", "scaledobjects.keda.sh", Set, "-n", ns.Name, "-o", "name", "--ignore-not-found"]);
            return read.Succeeded && read.StdOut.Trim().Length == 0 && await ConditionAsync(ns.Name) is null;
        }, TimeSpan.FromSeconds(60), "the ScaledObject and the Autoscaler condition to go with the annotation");
    }
}

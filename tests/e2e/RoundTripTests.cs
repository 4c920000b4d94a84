using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Kaito.Api.V1Beta1;
using Kaito.Testing;

namespace Kaito.E2E.Tests;

[Collection(ControlPlaneCollection.Name)]
public sealed class RoundTripTests(ControlPlaneFixture fixture)
{
    ControlPlane Plane => fixture.Plane;

    // The object sets every field at once, which admission rightly rejects (preset and template, inference
    // and tuning...): these tests check the stored schema, so their namespaces opt out of the webhooks.
    [Fact]
    public async Task Workspace_with_every_field_set_round_trips_unchanged_through_both_versions()
    {
        await using var ns = await Plane.CreateNamespaceAsync("roundtrip", admission: false);
        var sent = FullObjects.Workspace(ns.Name);

        await CreateWithStatusAsync(sent, ns.Name, Workspace.Plural);

        foreach (var version in new[] { "v1beta1", "v1alpha1" })
        {
            var stored = await GetJson(version, ns.Name, Workspace.Plural, sent.Metadata.Name);
            var expected = JsonNode.Parse(KubernetesJson.Serialize(sent))!.AsObject();
            foreach (var field in new[] { "resource", "inference", "tuning", "status" })
                Assert.True(JsonNode.DeepEquals(expected[field], stored[field]),
                    $"{version} {field}\nsent:   {expected[field]}\nstored: {stored[field]}");
        }
    }

    [Fact]
    public async Task Ragengine_with_every_field_set_round_trips_unchanged()
    {
        await using var ns = await Plane.CreateNamespaceAsync("roundtrip-rag", admission: false);
        var sent = FullObjects.RAGEngine(ns.Name);

        await CreateWithStatusAsync(sent, ns.Name, RAGEngine.Plural);

        var stored = await GetJson("v1beta1", ns.Name, RAGEngine.Plural, sent.Metadata.Name);
        var expected = JsonNode.Parse(KubernetesJson.Serialize(sent))!.AsObject();
        Assert.True(JsonNode.DeepEquals(expected["spec"], stored["spec"]), $"spec\nsent:   {expected["spec"]}\nstored: {stored["spec"]}");
        Assert.True(JsonNode.DeepEquals(expected["status"], stored["status"]), $"status\nsent:   {expected["status"]}\nstored: {stored["status"]}");
    }

    [Fact]
    public async Task Printer_columns_show_instance_conditions_node_count_and_state()
    {
        await using var ns = await Plane.CreateNamespaceAsync("columns", admission: false);
        var workspace = FullObjects.Workspace(ns.Name);
        await CreateWithStatusAsync(workspace, ns.Name, Workspace.Plural);

        var result = await Plane.KubectlAsync(["get", "wk", "-n", ns.Name]);

        Assert.True(result.Succeeded, result.ToString());
        var lines = result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["NAME", "INSTANCE", "RESOURCEREADY", "INFERENCEREADY", "JOBSTARTED", "WORKSPACESUCCEEDED", "TARGETNODECOUNT", "STATE", "AGE"],
            lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        var row = lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // FullObjects sets ResourceReady=True, InferenceReady=False, no JobStarted, WorkspaceSucceeded=False.
        Assert.Equal([workspace.Metadata.Name, "Standard_NC24ads_A100_v4", "True", "False", "False", "2", "NotReady"], row[..7]);
    }

    /// <summary>Creates the object, then writes its status through the status subresource (create ignores status).</summary>
    async Task CreateWithStatusAsync<T>(T obj, string ns, string plural) where T : IKubernetesObject<V1ObjectMeta>
    {
        await Plane.Client.CustomObjects.CreateNamespacedCustomObjectAsync(obj, KaitoGroup.Name, "v1beta1", ns, plural);
        await Plane.Client.CustomObjects.ReplaceNamespacedCustomObjectStatusAsync(
            await WithResourceVersion(obj, ns), KaitoGroup.Name, "v1beta1", ns, plural, obj.Metadata.Name);
    }

    async Task<object> WithResourceVersion<T>(T obj, string ns) where T : IKubernetesObject<V1ObjectMeta>
    {
        var plural = obj is Workspace ? Workspace.Plural : RAGEngine.Plural;
        var current = await GetJson("v1beta1", ns, plural, obj.Metadata.Name);
        obj.Metadata.ResourceVersion = current["metadata"]!["resourceVersion"]!.GetValue<string>();
        return obj;
    }

    async Task<JsonObject> GetJson(string version, string ns, string plural, string name)
    {
        var raw = await Plane.Client.CustomObjects.GetNamespacedCustomObjectAsync(KaitoGroup.Name, version, ns, plural, name);
        return JsonNode.Parse(KubernetesJson.Serialize(raw))!.AsObject();
    }
}

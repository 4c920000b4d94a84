using System.Text.Json.Nodes;
using Kaito.Presets;
using Kaito.Testing;

namespace Kaito.E2E.Tests;

public sealed partial class RealNodeWorkloadTests
{
    /// <summary>
    /// A gated Hugging Face model outside the catalog: the operator's webhook and reconciler read its metadata from the Hub
    /// double on the test network with the token of its modelAccessSecret, and the model server (the double under the base
    /// image's name) starts with the repository id as --model and the token in HF_TOKEN, and serves it.
    /// </summary>
    [Fact]
    public async Task A_gated_hugging_face_model_outside_the_catalog_is_admitted_planned_and_served_with_its_token()
    {
        await using var ns = await Plane.CreateNamespaceAsync("real-hub");
        const string Name = "hub-model";
        const string Sku = "Standard_NC24ads_A100_v4";
        await node.BecomeAsync(Sku, new Dictionary<string, string> { ["apps"] = Name });
        var baseImage = ModelCatalog.Default.BaseImage;
        await PublishDoubleAsAsync(new ModelImages(PresetRegistry).For(ModelCatalog.Default.Models.First(m => (m.Image, m.Tag) == baseImage)));

        JsonObject Workspace(string? secret) => new()
        {
            ["apiVersion"] = "kaito.sh/v1beta1", ["kind"] = "Workspace",
            ["metadata"] = new JsonObject { ["name"] = Name, ["namespace"] = ns.Name },
            ["resource"] = new JsonObject
            {
                ["instanceType"] = Sku, ["preferredNodes"] = new JsonArray(RealGpuNode.Name),
                ["labelSelector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["apps"] = Name } },
            },
            ["inference"] = new JsonObject
            {
                ["preset"] = secret is null
                    ? new JsonObject { ["name"] = HubModels.Llama }
                    : new JsonObject { ["name"] = HubModels.Llama, ["presetOptions"] = new JsonObject { ["modelAccessSecret"] = secret } },
            },
        };

        // Gated, and no secret named: refused at kubectl apply, naming the field.
        var refused = await Plane.KubectlAsync(["apply", "-f", "-"], Workspace(null).ToJsonString());
        Assert.False(refused.Succeeded);
        Assert.Contains("inference.preset.presetOptions.modelAccessSecret", refused.StdErr, StringComparison.Ordinal);

        await Plane.KubectlOkAsync("create", "secret", "generic", "hf-token", "-n", ns.Name, $"--from-literal=HF_TOKEN={HubTestServer.GoodToken}");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await ApplyAsync(Workspace("hf-token"));
        var ready = await Plane.KubectlAsync(["wait", "-n", ns.Name, "--for=condition=WorkspaceSucceeded", Wait, $"workspace/{Name}"]);
        Assert.True(ready.Succeeded, $"{ready}\n{await DescribeAsync(ns.Name, Name)}");
        output.WriteLine($"{HubModels.Llama}: WorkspaceSucceeded {clock.Elapsed.TotalSeconds:0.0}s after kubectl apply");
        Assert.Contains(operatorSettings.Hub.Requests, r => r == $"{HubModels.Llama}/resolve/main/config.json Bearer {HubTestServer.GoodToken}");

        // The model server got the repository id and the token from the Secret.
        var pod = await ModelPodAsync(ns.Name, Name);
        var container = JsonNode.Parse((await Plane.KubectlOkAsync("get", "pod", pod, "-n", ns.Name, "-o", "json")).StdOut)!["spec"]!["containers"]![0]!;
        var command = string.Join(' ', container["command"]!.AsArray().Select(c => c!.GetValue<string>()).Concat(container["args"]?.AsArray().Select(a => a!.GetValue<string>()) ?? []));
        Assert.Contains($"--model={HubModels.Llama}", command, StringComparison.Ordinal);
        Assert.Equal(HubTestServer.GoodToken, (await Plane.KubectlOkAsync("exec", "-n", ns.Name, pod, "-c", Name, "--", "sh", "-c", "echo \"$HF_TOKEN\"")).StdOut.Trim());

        var models = JsonNode.Parse(await ProxyGetAsync(ns.Name, Name, "/v1/models"))!["data"]!.AsArray();
        Assert.Equal(HubModels.Llama, models[0]!["id"]!.GetValue<string>());
        await DeleteAndWaitAsync(ns.Name, Name);
    }
}

using System.Text;
using k8s.Models;
using Kaito.Api.V1Beta1;
using Kaito.Presets.HuggingFace;
using Kaito.Reconcilers.Shared;
using Kaito.Reconcilers.Tests.Support;
using Kaito.Testing;

namespace Kaito.Reconcilers.Tests.Workspaces;

/// <summary>A gated Hugging Face model outside the catalog: its token Secret and metadata are read when its spec is new, not on every pass.</summary>
public sealed class HubModelReconcileTests : IDisposable
{
    const string SecretName = "hf-token";
    readonly HubTestServer hub = HubModels.Serve();
    readonly HttpClient http = new();

    public void Dispose()
    {
        http.Dispose();
        hub.Dispose();
    }

    WorkspaceWorld World()
    {
        var world = new WorkspaceWorld(new ReconcilerSettings(Hub: new HubClient(http, hub.Endpoint)));
        world.Api.Hold($"/api/v1/namespaces/{Fixtures.Namespace}/secrets/{SecretName}", new V1Secret
        {
            ApiVersion = "v1", Kind = "Secret",
            Metadata = new V1ObjectMeta { Name = SecretName, NamespaceProperty = Fixtures.Namespace },
            Data = new Dictionary<string, byte[]> { [HubModelNames.TokenKey] = Encoding.UTF8.GetBytes(HubTestServer.GoodToken) },
        });
        return world;
    }

    static int SecretReads(WorkspaceWorld world) =>
        world.Api.Requests.Count(r => r.Method == "GET" && r.Path.EndsWith($"/secrets/{SecretName}", StringComparison.Ordinal));

    [Fact]
    public async Task The_token_secret_is_read_once_per_generation_and_the_model_is_planned_from_it()
    {
        var world = World();
        var ws = Fixtures.Inference(HubModels.Llama);
        ws.Inference!.Preset!.PresetOptions = new PresetOptions { ModelAccessSecret = SecretName };
        world.Add(ws);

        await world.ReconcileAsync(ws);
        await world.ReconcileAsync(ws);
        await world.ReconcileAsync(ws);

        Assert.Equal(1, SecretReads(world));
        Assert.Contains(world.Api.Writes, r => r.Method == "POST" && r.Path == "/apis/karpenter.sh/v1/nodeclaims");
        Assert.Contains(hub.Requests, r => r.EndsWith(HubTestServer.GoodToken, StringComparison.Ordinal));

        // A new generation (the spec changed) is sized afresh: the Secret is read again.
        ws.Metadata.Generation = 2;
        world.Workspaces.Put(ws);
        await world.ReconcileAsync(ws);
        Assert.Equal(2, SecretReads(world));
    }

    [Fact]
    public async Task A_missing_secret_is_looked_for_again_on_every_pass_until_it_exists()
    {
        var world = new WorkspaceWorld(new ReconcilerSettings(Hub: new HubClient(http, hub.Endpoint)));
        var ws = Fixtures.Inference(HubModels.Llama);
        ws.Inference!.Preset!.PresetOptions = new PresetOptions { ModelAccessSecret = SecretName };
        world.Add(ws);

        await world.ReconcileAsync(ws);
        await world.ReconcileAsync(ws);

        Assert.Equal(2, SecretReads(world));
        var resource = world.Observe(ws).Status?.Conditions?.FirstOrDefault(c => c.Type == ConditionTypes.ResourceReady);
        Assert.Equal("ModelAccessSecretNotFound", resource?.Reason);
    }
}

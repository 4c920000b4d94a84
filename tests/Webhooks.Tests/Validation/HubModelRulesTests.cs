using Kaito.Api.V1Beta1;
using Kaito.Presets.HuggingFace;
using Kaito.Testing;
using Kaito.Webhooks.Validation;
using static Kaito.Webhooks.Tests.Validation.Manifests;

namespace Kaito.Webhooks.Tests.Validation;

/// <summary>Workspaces naming Hugging Face models outside the catalog, checked against metadata read over HTTP from the Hub double.</summary>
public sealed class HubModelRulesTests : IDisposable
{
    readonly HubTestServer hub = HubModels.Serve();
    readonly HttpClient http = new();

    AdmissionSettings Settings() => Nap with { Hub = new HubClient(http, hub.Endpoint) };

    static Workspace Hub(string model, string? secret = null)
    {
        var workspace = Inference();
        workspace.Inference!.Preset!.Name = model;
        if (secret is not null) workspace.Inference.Preset.PresetOptions = new PresetOptions { ModelAccessSecret = secret };
        return workspace;
    }

    [Fact]
    public void A_public_hub_model_that_fits_is_admitted_without_warnings()
    {
        var result = Create(Hub(HubModels.Qwen), Settings(), new FakeCluster());

        Valid(result);
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public async Task An_inference_set_of_a_hub_model_checks_its_node_count_limit_with_the_models_size()
    {
        var set = Kaito.Api.V1Beta1.Serialization.YamlDocuments.Deserialize<InferenceSet>($$$"""
            apiVersion: kaito.sh/v1beta1
            kind: InferenceSet
            metadata: {name: qwen-set, namespace: default}
            spec:
              replicas: 2
              nodeCountLimit: 1
              labelSelector: {matchLabels: {apps: qwen-set}}
              template:
                resource: {instanceType: Standard_NC24ads_A100_v4}
                inference: {preset: {name: {{{HubModels.Qwen}}}}}
            """);

        var result = await new InferenceSetValidator(Settings(), new FakeCluster()).ValidateCreateAsync(set, CancellationToken.None);

        var error = Single(result, "spec.nodeCountLimit", FieldErrorType.Invalid);
        Assert.Contains("2 replicas × 1 GPU node(s) each need 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_hub_endpoint_a_hub_id_is_an_unknown_preset()
    {
        var error = Single(Create(Hub(HubModels.Qwen)), "inference.preset.name", FieldErrorType.NotSupported);
        Assert.Contains("or a Hugging Face model as <owner>/<name>", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_repository_is_an_error_on_the_preset_name()
    {
        var error = Single(Create(Hub("kaito-test/no-such-model"), Settings(), new FakeCluster()), "inference.preset.name", FieldErrorType.NotSupported);
        Assert.Contains("no Hugging Face repository of that name", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_gated_model_without_a_secret_names_model_access_secret()
    {
        var error = Single(Create(Hub(HubModels.Llama), Settings(), new FakeCluster()), "inference.preset.presetOptions.modelAccessSecret", FieldErrorType.Required);
        Assert.Contains("create a Secret with key HF_TOKEN", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_gated_model_is_read_with_the_token_of_its_secret()
    {
        var cluster = new FakeCluster().WithSecret("hf", "HF_TOKEN", HubTestServer.GoodToken);

        Valid(Create(Hub(HubModels.Llama, "hf"), Settings(), cluster));
        Assert.Contains(hub.Requests, r => r == $"{HubModels.Llama}/resolve/main/config.json Bearer {HubTestServer.GoodToken}");
    }

    [Theory]
    [InlineData(null, null, "Secret hf not found in namespace default")]
    [InlineData("HF_TOKEN", "hf_wrong", "refused the token")]
    [InlineData("TOKEN", HubTestServer.GoodToken, "has no key HF_TOKEN")]
    public void A_secret_that_does_not_give_access_is_an_error_on_it(string? key, string? token, string message)
    {
        var cluster = key is null ? new FakeCluster() : new FakeCluster().WithSecret("hf", key, token!);

        var error = Single(Create(Hub(HubModels.Llama, "hf"), Settings(), cluster), "inference.preset.presetOptions.modelAccessSecret", FieldErrorType.Invalid);
        Assert.Contains(message, error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void An_architecture_vllm_does_not_serve_is_named()
    {
        var error = Single(Create(Hub(HubModels.Bert), Settings(), new FakeCluster()), "inference.preset.name", FieldErrorType.Invalid);
        Assert.Contains("BertForMaskedLM", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_hub_model_does_not_run_on_transformers()
    {
        var workspace = Hub(HubModels.Qwen);
        workspace.Metadata.Annotations = new Dictionary<string, string> { [Annotations.Runtime] = Runtimes.Transformers };

        Has(Create(workspace, Settings(), new FakeCluster()), $"metadata.annotations[{Annotations.Runtime}]", FieldErrorType.Forbidden);
    }

    [Theory]
    [InlineData(HubModels.Slow)]
    [InlineData(HubModels.Failing)]
    public void An_endpoint_that_does_not_answer_admits_with_a_warning_that_the_fit_check_is_deferred(string model)
    {
        var result = Create(Hub(model), Settings(), new FakeCluster());

        Valid(result);
        Assert.Contains(result.Warnings, w => w.Contains("the GPU fit check is deferred", StringComparison.Ordinal));
    }

    [Fact]
    public void Updates_that_keep_the_name_never_wait_for_the_hub()
    {
        var old = Hub(HubModels.Slow);
        var updated = Hub(HubModels.Slow);
        updated.Metadata.Labels = new Dictionary<string, string> { ["team"] = "a" };

        Valid(Update(updated, old, Settings(), new FakeCluster()));
        Assert.Empty(hub.Requests);
    }

    public void Dispose()
    {
        http.Dispose();
        hub.Dispose();
    }
}

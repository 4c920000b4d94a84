using Kaito.Presets.HuggingFace;
using Kaito.Testing;

namespace Kaito.Presets.Tests.HuggingFace;

/// <summary>Sizing read over HTTP from the Hub double on loopback: families, MoE, MLA, gated models, failures.</summary>
public sealed class HubClientTests : IDisposable
{
    readonly HubTestServer hub = HubModels.Serve();
    readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(10) };

    HubClient Client() => new(http, hub.Endpoint);

    Task<HubLookup> LookupAsync(string id, string? token = null, HubClient? client = null) =>
        (client ?? Client()).LookupAsync(id, token, CancellationToken.None);

    [Theory]
    // id, weights GiB, KV bytes per token, context, attention, architecture
    [InlineData(HubModels.Llama, 14.96, 131072, 131072, "GQA", "LlamaForCausalLM")]
    [InlineData(HubModels.Qwen, 14.19, 57344, 32768, "GQA", "Qwen2ForCausalLM")]
    [InlineData(HubModels.Mistral, 13.49, 131072, 32768, "GQA", "MistralForCausalLM")]
    [InlineData(HubModels.Gemma, 8.01, 139264, 131072, "GQA", "Gemma3ForConditionalGeneration")]
    [InlineData(HubModels.Mixtral, 86.99, 131072, 32768, "GQA", "MixtralForCausalLM")]
    [InlineData(HubModels.DeepseekMla, 29.26, 31104, 163840, "MLA", "DeepseekV2ForCausalLM")]
    public async Task Models_are_sized_from_their_own_metadata(string id, double weightsGiB, long kvPerToken, int context, string attention, string architecture)
    {
        var lookup = await LookupAsync(id, HubTestServer.GoodToken);

        Assert.Equal(HubOutcome.Found, lookup.Outcome);
        var model = lookup.Model!;
        Assert.Equal(id, model.Name);
        Assert.Equal(weightsGiB, model.WeightsGiB, 2);
        Assert.Equal(kvPerToken, model.KvBytesPerToken);
        Assert.Equal(context, model.ContextLimit);
        Assert.Equal(attention, model.Attention);
        Assert.Equal(architecture, model.Architecture);
        Assert.True(model.DownloadAtRuntime);
        Assert.Equal(ModelCatalog.Default.BaseImage, (model.Image, model.Tag));
        Assert.Equal([Kaito.Api.V1Beta1.Runtimes.Vllm], model.Runtimes);
    }

    [Fact]
    public async Task The_llama_style_metadata_gives_the_catalog_figures_of_llama_3_1_8b()
    {
        var read = (await LookupAsync(HubModels.Llama, HubTestServer.GoodToken)).Model!;
        var preset = ModelCatalog.Default.Find("llama-3.1-8b-instruct")!;

        Assert.Equal(preset.WeightsGiB, read.WeightsGiB, 2);
        Assert.Equal(preset.KvBytesPerToken, read.KvBytesPerToken);
        Assert.Equal(preset.ContextLimit, read.ContextLimit);
        Assert.Equal(preset.Image, read.Image);
    }

    [Fact]
    public async Task Mixture_of_experts_memory_holds_every_expert_and_the_facts_say_how_many_are_active()
    {
        var lookup = await LookupAsync(HubModels.Mixtral);

        Assert.Equal(8, lookup.Facts!.Experts);
        Assert.Equal(2, lookup.Facts.ExpertsPerToken);
        Assert.Equal(46702792704L, lookup.Facts.ParametersByDtype["BF16"]);
        // 87 GiB of weights over 16 GiB GPUs: at least six of them, however few experts a token uses.
        var plan = CapacityPlanner.Plan(new PlanRequest(lookup.Model!, SkuCatalog.Default.Find("azure", "Standard_NC6s_v3")!.Shape, "vllm"));
        Assert.True(plan.Nodes >= 6, $"{plan.Nodes} node(s)");
    }

    [Fact]
    public async Task A_gated_model_needs_a_token_and_the_token_is_sent()
    {
        Assert.Equal(HubOutcome.NeedsToken, (await LookupAsync(HubModels.Llama)).Outcome);
        Assert.Equal(HubOutcome.TokenRefused, (await LookupAsync(HubModels.Llama, "hf_wrong")).Outcome);
        Assert.Equal(HubOutcome.Found, (await LookupAsync(HubModels.Llama, HubTestServer.GoodToken)).Outcome);
        Assert.Contains(hub.Requests, r => r == $"{HubModels.Llama}/resolve/main/config.json Bearer {HubTestServer.GoodToken}");
    }

    [Theory]
    [InlineData("kaito-test/no-such-model", HubOutcome.NotFound, "was not found")]
    [InlineData(HubModels.Bert, HubOutcome.Unusable, "architecture BertForMaskedLM is not one vLLM serves")]
    [InlineData(HubModels.Malformed, HubOutcome.Unusable, "config.json of kaito-test/malformed is not valid JSON")]
    [InlineData(HubModels.Failing, HubOutcome.Unreachable, "answered 503")]
    public async Task Failures_say_what_went_wrong(string id, HubOutcome outcome, string message)
    {
        var lookup = await LookupAsync(id);

        Assert.Equal(outcome, lookup.Outcome);
        Assert.Contains(message, lookup.Message, StringComparison.Ordinal);
        Assert.Null(lookup.Model);
    }

    [Fact]
    public async Task A_slow_endpoint_is_unreachable_within_the_callers_budget()
    {
        using var budget = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var lookup = await Client().LookupAsync(HubModels.Slow, null, budget.Token);

        Assert.Equal(HubOutcome.Unreachable, lookup.Outcome);
        Assert.Contains("did not answer", lookup.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Answers_are_cached_until_they_expire_but_unreachable_is_retried()
    {
        var time = new ManualTime();
        var client = new HubClient(http, hub.Endpoint, time);
        await LookupAsync(HubModels.Qwen, client: client);
        await LookupAsync(HubModels.Qwen, client: client);
        Assert.Equal(1, hub.Requests.Count(r => r.StartsWith($"api/models/{HubModels.Qwen} ", StringComparison.Ordinal)));

        time.Advance(TimeSpan.FromMinutes(31));
        await LookupAsync(HubModels.Qwen, client: client);
        Assert.Equal(2, hub.Requests.Count(r => r.StartsWith($"api/models/{HubModels.Qwen} ", StringComparison.Ordinal)));

        await LookupAsync(HubModels.Failing, client: client);
        await LookupAsync(HubModels.Failing, client: client);
        Assert.Equal(2, hub.Requests.Count(r => r.StartsWith($"api/models/{HubModels.Failing} ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_cache_is_bounded()
    {
        var client = new HubClient(http, hub.Endpoint, capacity: 2);
        foreach (var id in new[] { HubModels.Qwen, HubModels.Mistral, HubModels.Gemma, HubModels.Qwen })
            await LookupAsync(id, client: client);

        // Qwen was evicted by the third model, so it was fetched twice.
        Assert.Equal(2, hub.Requests.Count(r => r.StartsWith($"api/models/{HubModels.Qwen} ", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData(null, null, "https://huggingface.co/")]
    [InlineData(null, "http://198.18.0.1:8080", "http://198.18.0.1:8080/")]
    [InlineData("https://mirror.example/hf/", "http://ignored", "https://mirror.example/hf/")]
    public void The_endpoint_is_the_flag_then_hf_endpoint_then_the_hub(string? configured, string? environment, string expected) =>
        Assert.Equal(expected, HubClient.ResolveEndpoint(configured, environment).Endpoint!.ToString());

    [Theory]
    [InlineData("huggingface.co")]
    [InlineData("ftp://mirror.example")]
    [InlineData("https://mirror.example/?x=1")]
    public void A_malformed_endpoint_is_refused(string endpoint) =>
        Assert.Contains("is not an http(s) URL", HubClient.ResolveEndpoint(endpoint, null).Problem, StringComparison.Ordinal);

    sealed class ManualTime : TimeProvider
    {
        DateTimeOffset now = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
        public override DateTimeOffset GetUtcNow() => now;
        public void Advance(TimeSpan by) => now += by;
    }

    public void Dispose()
    {
        http.Dispose();
        hub.Dispose();
    }
}

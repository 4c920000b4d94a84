using System.Text.Json.Nodes;
using Kaito.Testing;

namespace Kaito.Cli.Tests;

/// <summary>plan and models describe for Hugging Face models outside the catalog, read from the Hub double over HTTP.</summary>
public sealed class HubModelCommandTests : IDisposable
{
    readonly HubTestServer hub = HubModels.Serve();

    (int Exit, string Out, string Err) Run(Dictionary<string, string>? environment, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = KaitoCli.Run(args, output, error, name => environment?.GetValueOrDefault(name));
        return (exit, output.ToString(), error.ToString());
    }

    Dictionary<string, string> Env(string? token = null) =>
        token is null ? new() { ["HF_ENDPOINT"] = hub.Endpoint.ToString() } : new() { ["HF_ENDPOINT"] = hub.Endpoint.ToString(), ["HF_TOKEN"] = token };

    [Fact]
    public void A_hub_model_that_fits_plans_with_exit_code_0()
    {
        var (exit, output, error) = Run(Env(), "plan", "--preset", HubModels.Qwen, "--instance-type", "Standard_NC24ads_A100_v4");

        Assert.True(exit == ExitCodes.Ok, error);
        Assert.StartsWith($"fits: {HubModels.Qwen} inference on 1 × Standard_NC24ads_A100_v4", output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_context_longer_than_the_models_own_exits_1()
    {
        // qwen-style config.json says max_position_embeddings 32768.
        var (exit, output, _) = Run(Env(), "plan", "--preset", HubModels.Qwen, "--instance-type", "Standard_NC24ads_A100_v4", "--max-model-len", "65536");

        Assert.Equal(ExitCodes.DoesNotFit, exit);
        Assert.Contains($"max-model-len 65536 is outside 1..32768, the context limit of {HubModels.Qwen}", output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_flags_win_over_the_environment_and_the_token_reaches_the_hub()
    {
        var wrong = new Dictionary<string, string> { ["HF_ENDPOINT"] = "http://127.0.0.1:1/", ["HF_TOKEN"] = "hf_wrong" };
        var (exit, _, error) = Run(wrong, "plan", "--preset", HubModels.Llama, "--instance-type", "Standard_NC24ads_A100_v4",
            "--hf-endpoint", hub.Endpoint.ToString(), "--hf-token", HubTestServer.GoodToken);

        Assert.True(exit == ExitCodes.Ok, error);
        Assert.Contains(hub.Requests, r => r.EndsWith("Bearer " + HubTestServer.GoodToken, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("kaito-test/no-such-model", null, "unknown Hugging Face repository")]
    [InlineData(HubModels.Llama, null, "set HF_TOKEN or --hf-token")]
    [InlineData(HubModels.Llama, "hf_wrong", "refused the token")]
    [InlineData(HubModels.Bert, null, "architecture BertForMaskedLM is not one vLLM serves")]
    [InlineData("no-such-preset", null, "unknown preset \"no-such-preset\"")]
    public void Bad_models_exit_2_and_say_why(string model, string? token, string message)
    {
        var (exit, _, error) = Run(Env(token), "plan", "--preset", model, "--instance-type", "Standard_NC24ads_A100_v4");

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unreachable_endpoint_exits_2_and_names_it()
    {
        var (exit, _, error) = Run(new() { ["HF_ENDPOINT"] = "http://127.0.0.1:1/" }, "plan", "--preset", HubModels.Qwen, "--instance-type", "Standard_NC24ads_A100_v4");

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("http://127.0.0.1:1/ could not be reached", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_prints_what_was_read()
    {
        var (exit, output, error) = Run(Env(), "models", "describe", HubModels.DeepseekMla);

        Assert.True(exit == ExitCodes.Ok, error);
        Assert.Contains("architecture        DeepseekV2ForCausalLM", output, StringComparison.Ordinal);
        Assert.Contains("kv cache per token  31104 bytes (MLA)", output, StringComparison.Ordinal);
        Assert.Contains("latent rank 512", output, StringComparison.Ordinal);
        Assert.Contains("experts             64, 6 active per token", output, StringComparison.Ordinal);
        Assert.Contains("parameters          15.71B BF16", output, StringComparison.Ordinal);

        var json = JsonNode.Parse(Run(Env(), "models", "describe", HubModels.Mistral, "-o", "json").Out)!;
        Assert.Equal("model.safetensors.index.json total_size", json["read"]!["weightsSource"]!.GetValue<string>());
        Assert.Equal(13.49, json["model"]!["weightsGiB"]!.GetValue<double>());
    }

    [Fact]
    public void Describe_of_a_preset_needs_no_endpoint()
    {
        var (exit, output, _) = Run(new() { ["HF_ENDPOINT"] = "http://127.0.0.1:1/" }, "models", "describe", "phi-4");

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.StartsWith("phi-4: preset", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HubModels.Qwen, null, ExitCodes.Ok, "valid")]
    [InlineData("kaito-test/no-such-model", null, ExitCodes.DoesNotFit, "no Hugging Face repository of that name")]
    // Offline the Secret cannot be read: a gated model is a warning, not a wrong-token error.
    [InlineData(HubModels.Llama, "hf-token", ExitCodes.Ok, "is not read without a cluster; the GPU fit check is deferred")]
    public void Validate_reads_hub_models_as_the_webhook_does(string model, string? secret, int expected, string message)
    {
        var options = secret is null ? "" : "presetOptions: {modelAccessSecret: " + secret + "}";
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, $$$"""
                apiVersion: kaito.sh/v1beta1
                kind: Workspace
                metadata: {name: hub}
                resource:
                  instanceType: Standard_NC24ads_A100_v4
                  labelSelector: {matchLabels: {apps: hub}}
                inference:
                  preset:
                    name: {{{model}}}
                    {{{options}}}
                """);
            var (exit, output, error) = Run(Env(), "validate", "-f", file);

            Assert.True(exit == expected, output + error);
            Assert.Contains(message, output + error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    public void Dispose() => hub.Dispose();
}

using System.Text.Json;
using System.Text.Json.Nodes;

namespace Kaito.Cli.Tests;

public sealed class PlanCommandTests
{
    static (int Exit, string Out, string Err) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = KaitoCli.Run(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData("phi-3-mini-4k-instruct", "Standard_NC6s_v3")]
    [InlineData("phi-3-mini-128k-instruct", "Standard_NC6s_v3")]
    [InlineData("falcon-7b", "Standard_NC12s_v3")]
    [InlineData("phi-3.5-mini-instruct", "Standard_NC24ads_A100_v4")]
    public void Seed_pairs_fit_with_exit_code_0(string preset, string sku)
    {
        var (exit, output, _) = Run("plan", "--preset", preset, "--instance-type", sku);

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.StartsWith($"fits: {preset} inference on 1 × {sku}", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Replicas_plan_an_inference_set_with_its_nodes_and_hourly_cost()
    {
        var sku = Kaito.Presets.SkuCatalog.Default.Find("azure", "Standard_NC24ads_A100_v4")!;
        var (exit, output, _) = Run("plan", "--preset", "phi-3.5-mini-instruct", "--instance-type", sku.Name, "--replicas", "3");

        Assert.Equal(ExitCodes.Ok, exit);
        var line = Assert.Single(output.Split('\n'), l => l.StartsWith("inferenceset of 3:", StringComparison.Ordinal));
        Assert.Contains("3 node(s) in all (nodeCountLimit ≥ 3)", line, StringComparison.Ordinal);
        if (sku.ApproxHourlyUsd is { } price)
            Assert.Contains(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"${price * 3:0.00}/h for the set"), line, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.BadInput, Run("plan", "--preset", "phi-3.5-mini-instruct", "--instance-type", sku.Name, "--replicas", "-1").Exit);
    }

    [Fact]
    public void Seed_qlora_tuning_fits()
    {
        var (exit, output, _) = Run("plan", "--preset", "phi-3-mini-128k-instruct", "--instance-type", "Standard_NC6s_v3", "--tuning", "qlora");

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains("tuning (qlora)", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_answer_has_the_documented_fields()
    {
        var (exit, output, _) = Run("plan", "--preset", "falcon-7b", "--instance-type", "standard_nc12s_v3", "-o", "json");

        Assert.Equal(ExitCodes.Ok, exit);
        var json = JsonNode.Parse(output)!.AsObject();
        Assert.True(json["fits"]!.GetValue<bool>());
        Assert.Equal(2, json["gpusPerNode"]!.GetValue<int>());
        Assert.Equal(1, json["nodes"]!.GetValue<int>());
        Assert.True(json["requiredGpuMemoryGiB"]!.GetValue<double>() < json["availableGpuMemoryGiB"]!.GetValue<double>());
        Assert.Equal(JsonValueKind.Null, json["reason"]?.GetValueKind() ?? JsonValueKind.Null);
        Assert.Empty(json["suggestions"]!.AsArray());
        Assert.Equal("float16", json["dtype"]!.GetValue<string>());
    }

    [Fact]
    public void Sixty_GiB_model_on_one_A10_under_transformers_exits_1_with_reason_and_suggestions()
    {
        var (exit, output, _) = Run("plan", "--preset", "qwen2.5-coder-32b-instruct", "--instance-type", "Standard_NV36ads_A10_v5",
            "--runtime", "transformers", "-o", "json");

        Assert.Equal(ExitCodes.DoesNotFit, exit);
        var json = JsonNode.Parse(output)!.AsObject();
        Assert.False(json["fits"]!.GetValue<bool>());
        Assert.Contains("offers 20.16 GiB usable", json["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.NotEmpty(json["suggestions"]!.AsArray());
    }

    [Fact]
    public void Unknown_preset_exits_2_listing_the_closest_names()
    {
        var (exit, _, error) = Run("plan", "--preset", "phi-3-mini", "--instance-type", "Standard_NC6s_v3");

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("unknown preset \"phi-3-mini\"; closest: phi-3-mini-4k-instruct, phi-3-mini-128k-instruct", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_name_that_is_no_gpu_size_exits_2_listing_the_closest_names()
    {
        var (exit, _, error) = Run("plan", "--preset", "phi-4", "--instance-type", "Standard_D6s_v3");

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("unknown instance type \"Standard_D6s_v3\" for cloud azure, and not named like a GPU size", error, StringComparison.Ordinal);
        Assert.Contains("closest: Standard_NC6s_v3", error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unlisted_gpu_size_exits_2_asking_for_its_gpus()
    {
        var (exit, _, error) = Run("plan", "--preset", "phi-4", "--instance-type", "Standard_NC6s_v4");

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("\"Standard_NC6s_v4\" is not in the azure catalog; give its GPUs with --sku-gpus 8x40Gi/A100", error, StringComparison.Ordinal);
        Assert.Contains("closest listed: Standard_NC6s_v3", error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unlisted_gpu_size_is_planned_with_the_gpus_sku_gpus_declares()
    {
        var (exit, output, _) = Run("plan", "--preset", "llama-3.3-70b-instruct", "--instance-type", "Standard_ND96asr_v4", "--sku-gpus", "8x40Gi/A100");
        Assert.Equal(ExitCodes.Ok, exit);
        Assert.StartsWith("fits: llama-3.3-70b-instruct inference on 1 × Standard_ND96asr_v4 (8 × A100 per node)", output, StringComparison.Ordinal);

        var (small, smallOutput, _) = Run("plan", "--preset", "falcon-40b", "--instance-type", "Standard_ND96asr_v4", "--sku-gpus", "1x16Gi/V100");
        Assert.Equal(ExitCodes.DoesNotFit, small);
        Assert.StartsWith("does not fit:", smallOutput, StringComparison.Ordinal);

        var (bad, _, badError) = Run("plan", "--preset", "phi-4", "--instance-type", "Standard_ND96asr_v4", "--sku-gpus", "eight");
        Assert.Equal(ExitCodes.BadInput, bad);
        Assert.Contains("--sku-gpus must be <GPU count>x<memory per GPU>Gi", badError, StringComparison.Ordinal);

        var (listed, _, listedError) = Run("plan", "--preset", "phi-4", "--instance-type", "Standard_NC24ads_A100_v4", "--sku-gpus", "1x80Gi/A100");
        Assert.Equal(ExitCodes.BadInput, listed);
        Assert.Contains("the catalog knows Standard_NC24ads_A100_v4", listedError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "plan", "--preset", "phi-4" }, "missing required option --instance-type")]
    [InlineData(new[] { "plan", "--preset", "phi-4", "--instance-type", "g5.xlarge", "--cloud", "gcp" }, "unknown cloud \"gcp\"")]
    [InlineData(new[] { "plan", "--preset", "phi-4", "--instance-type", "x", "--runtime", "tgi" }, "unknown runtime \"tgi\"")]
    [InlineData(new[] { "plan", "--preset", "phi-4", "--instance-type", "x", "--tuning", "full" }, "unknown tuning method \"full\"")]
    [InlineData(new[] { "plan", "--preset", "phi-4", "--instance-type", "x", "--max-model-len", "big" }, "--max-model-len must be a whole number")]
    [InlineData(new[] { "plan", "--preset", "phi-4", "--instance-type", "x", "--sku", "y" }, "unknown option(s): --sku")]
    [InlineData(new[] { "deploy" }, "unknown command \"deploy\"")]
    public void Bad_input_exits_2_with_a_message(string[] args, string expected)
    {
        var (exit, _, error) = Run(args);

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Other_clouds_plan_against_their_own_catalog()
    {
        var (exit, output, _) = Run("plan", "--preset", "mistral-7b", "--instance-type", "g5.xlarge", "--cloud", "aws");

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains("NVIDIA A10G", output, StringComparison.Ordinal);
    }
}

using Kaito.Api.V1Beta1;

namespace Kaito.Presets.Tests;

public sealed class PlannerScenarioTests
{
    const double GiB = 1024.0 * 1024 * 1024;

    static CapacityPlan Plan(string model, string sku, string runtime = Runtimes.Vllm, string? tuning = null, int? maxModelLen = null, bool suggest = false) =>
        CapacityPlanner.Plan(
            new PlanRequest(ModelCatalog.Default.Find(model)!, SkuCatalog.Default.Find("azure", sku)!.Shape, runtime, tuning, maxModelLen),
            suggest ? SkuCatalog.Default.For("azure") : null);

    [Theory]
    [InlineData("phi-3-mini-4k-instruct", "Standard_NC6s_v3", Runtimes.Vllm, null)]
    [InlineData("phi-3-mini-128k-instruct", "Standard_NC6s_v3", Runtimes.Vllm, null)]
    [InlineData("phi-3-mini-128k-instruct", "Standard_NC6s_v3", Runtimes.Transformers, null)]
    [InlineData("falcon-7b", "Standard_NC12s_v3", Runtimes.Vllm, null)]
    [InlineData("falcon-7b", "Standard_NC12s_v3", Runtimes.Transformers, null)]
    [InlineData("phi-3.5-mini-instruct", "Standard_NC24ads_A100_v4", Runtimes.Vllm, null)]
    [InlineData("phi-3-mini-128k-instruct", "Standard_NC6s_v3", Runtimes.Vllm, "qlora")]
    [InlineData("phi-3-mini-4k-instruct", "Standard_NC6s_v3", Runtimes.Vllm, "qlora")]
    public void Every_seed_manifest_fits_on_one_node(string model, string sku, string runtime, string? tuning)
    {
        var plan = Plan(model, sku, runtime, tuning);

        Assert.True(plan.Fits, plan.Reason);
        Assert.Equal(1, plan.Nodes);
    }

    [Fact]
    public void V100_runs_float16_and_the_128k_model_gets_the_context_its_memory_holds()
    {
        var plan = Plan("phi-3-mini-128k-instruct", "Standard_NC6s_v3");

        // 16 GiB × 0.84 = 13.44 usable; − 2.3 overhead − 7.12 × 1.071 weights = 3.5145 GiB of KV room;
        // 3.5145 GiB / 393216 bytes per token = 9596 tokens → 9472 in steps of 256.
        var room = 16 * 0.84 - 2.3 - 7.12 * 1.02 * 1.05;
        Assert.Equal((int)(Math.Floor(room * GiB / 393216) / 256) * 256, plan.MaxModelLen);
        Assert.Equal(9472, plan.MaxModelLen);
        Assert.Equal("float16", plan.Dtype);
        Assert.Equal("bfloat16", Plan("phi-3-mini-128k-instruct", "Standard_NC24ads_A100_v4").Dtype);
    }

    [Fact]
    public void A_60_GiB_model_on_one_A10_under_transformers_does_not_fit_and_cheaper_fitting_skus_are_suggested()
    {
        var plan = Plan("qwen2.5-coder-32b-instruct", "Standard_NV36ads_A10_v5", Runtimes.Transformers, suggest: true);

        Assert.False(plan.Fits);
        Assert.Contains("transformers runtime keeps a model on one node", plan.Reason, StringComparison.Ordinal);
        Assert.True(plan.RequiredGpuMemoryGiB > plan.AvailableGpuMemoryGiB);
        Assert.NotEmpty(plan.Suggestions);
        foreach (var suggestion in plan.Suggestions)
            Assert.True(Plan("qwen2.5-coder-32b-instruct", suggestion.Name, Runtimes.Transformers).Fits, suggestion.Name);
        var costs = plan.Suggestions.Select(s => s.ApproxHourlyUsd!.Value * s.Nodes).ToList();
        Assert.Equal(costs.Order(), costs);
        // Nothing cheaper than the first suggestion fits.
        var cheapest = costs[0];
        Assert.All(SkuCatalog.Default.For("azure").Where(s => s.ApproxHourlyUsd < cheapest),
            s => Assert.False(Plan("qwen2.5-coder-32b-instruct", s.Name, Runtimes.Transformers).Fits, s.Name));
    }

    [Fact]
    public void Non_distributed_model_too_big_for_one_node_explains_why()
    {
        var plan = Plan("falcon-40b", "Standard_NV36ads_A10_v5");

        Assert.False(plan.Fits);
        Assert.Contains("cannot run across nodes", plan.Reason, StringComparison.Ordinal);
        // The answer describes the one node it would need: all its GPUs in tensor parallel, more memory than each offers.
        var sku = SkuCatalog.Default.Find("azure", "Standard_NV36ads_A10_v5")!;
        Assert.Equal((1, 1, sku.GpuCount, null), (plan.Nodes, plan.PipelineParallel, plan.TensorParallel, plan.MaxModelLen));
        Assert.True(plan.RequiredGpuMemoryGiB > plan.AvailableGpuMemoryGiB, $"{plan.RequiredGpuMemoryGiB} GiB needed, {plan.AvailableGpuMemoryGiB} usable");
        Assert.Equal(3, plan.Breakdown.Count);
    }

    [Fact]
    public void Large_distributed_model_spreads_over_several_nodes()
    {
        var plan = Plan("deepseek-r1-0528", "Standard_ND96isr_H100_v5");

        Assert.True(plan.Fits, plan.Reason);
        Assert.Equal(2, plan.Nodes);
        Assert.Equal(16, plan.TotalGpus);
    }

    [Fact]
    public void Quantized_model_is_refused_on_a_gpu_without_compute_capability_8()
    {
        var plan = Plan("openai/gpt-oss-20b", "Standard_NC24s_v3");

        Assert.False(plan.Fits);
        Assert.Contains("compute capability 7.0", plan.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Explicit_max_model_len_is_used_and_checked_against_the_limit()
    {
        Assert.Equal(4096, Plan("phi-3-mini-128k-instruct", "Standard_NC24ads_A100_v4", maxModelLen: 4096).MaxModelLen);
        Assert.Contains("outside 1..4096", Plan("phi-3-mini-4k-instruct", "Standard_NC24ads_A100_v4", maxModelLen: 8192).Reason, StringComparison.Ordinal);
        // The whole 131072-token context of phi-3-mini-128k needs 48 GiB of KV: with 7.63 GiB of weights
        // and 13.44 − 2.3 = 11.14 GiB of room per 16 GiB V100, that is ceil(55.63 / 11.14) = 5 nodes.
        var full = Plan("phi-3-mini-128k-instruct", "Standard_NC6s_v3", maxModelLen: 131072);
        Assert.True(full.Fits, full.Reason);
        Assert.Equal((int)Math.Ceiling((7.12 * 1.02 * 1.05 + 131072.0 * 393216 / GiB) / (16 * 0.84 - 2.3)), full.Nodes);
        Assert.Equal(5, full.Nodes);
    }

    [Fact]
    public void Qlora_needs_less_memory_than_lora_and_untunable_models_say_so()
    {
        var qlora = Plan("phi-3-mini-128k-instruct", "Standard_NC6s_v3", tuning: "qlora");
        var lora = Plan("phi-3-mini-128k-instruct", "Standard_NC6s_v3", tuning: "lora");

        // Base weights: 7.12 GiB × 0.28 in 4-bit vs 7.12 GiB in 16-bit.
        Assert.Equal(7.12 * (1 - 0.28), lora.RequiredGpuMemoryGiB - qlora.RequiredGpuMemoryGiB, 1);
        var untunable = Plan("phi-2", "Standard_NC24ads_A100_v4", tuning: "lora");
        Assert.False(untunable.Fits);
        Assert.Contains("does not support lora tuning", untunable.Reason, StringComparison.Ordinal);
    }
}

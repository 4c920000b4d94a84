using Kaito.Api.V1Beta1;

namespace Kaito.Presets.Tests;

/// <summary>
/// Every catalog model against an A10, an A100 80GB and 8×H100. The expected values are derived here
/// from the catalog figures with the arithmetic written out (docs/capacity-planning.md):
///   usable per GPU   = memory per GPU × 0.84
///   weights          = weights on disk × 1.02 × 1.05
///   minimum context  = min(context limit, 2048) tokens, its KV = tokens × KV bytes per token
///   nodes            = ceil((weights + KV) / (GPUs per node × (usable − 2.3 GiB overhead)))
///   fits             = nodes ≤ 16, one node unless the model runs distributed, quantized only on CC ≥ 8.0
/// </summary>
public sealed class PlannerTableTests
{
    const double GiB = 1024.0 * 1024 * 1024;

    public static TheoryData<string, string> ModelsBySku()
    {
        var data = new TheoryData<string, string>();
        foreach (var model in ModelCatalog.Default.Models)
        {
            foreach (var sku in new[] { "Standard_NV36ads_A10_v5", "Standard_NC24ads_A100_v4", "Standard_ND96isr_H100_v5" })
                data.Add(model.Name, sku);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ModelsBySku))]
    public void A_plan_without_its_itemized_budget_is_the_same_plan_otherwise(string modelName, string skuName)
    {
        var model = ModelCatalog.Default.Find(modelName)!;
        var sku = SkuCatalog.Default.Find("azure", skuName)!;
        PlanRequest[] requests =
        [
            new(model, sku.Shape), new(model, sku.Shape, Runtimes.Transformers), new(model, sku.Shape, MaxModelLen: 4096),
            new(model, sku.Shape, TuningMethod: "qlora"), new(model, sku.Shape, TuningMethod: "lora"),
        ];
        foreach (var request in requests)
        {
            var itemized = CapacityPlanner.Plan(request, SkuCatalog.Default.For("azure"));
            var plain = CapacityPlanner.Plan(request, SkuCatalog.Default.For("azure"), itemize: false);
            Assert.Empty(plain.Breakdown);
            // A plan that got as far as sizing the model itemizes it when asked.
            if (itemized.RequiredGpuMemoryGiB > 0) Assert.NotEmpty(itemized.Breakdown);
            Assert.Equal(itemized with { Breakdown = [], Suggestions = [] }, plain with { Breakdown = [], Suggestions = [] });
            Assert.Equal(itemized.Suggestions, plain.Suggestions);
        }
    }

    [Theory]
    [MemberData(nameof(ModelsBySku))]
    public void Vllm_plan_matches_the_arithmetic(string modelName, string skuName)
    {
        var model = ModelCatalog.Default.Find(modelName)!;
        var sku = SkuCatalog.Default.Find("azure", skuName)!;

        var usable = sku.TotalGpuMemoryGiB / sku.GpuCount * 0.84;
        var weights = model.WeightsGiB * 1.02 * 1.05;
        var minContext = Math.Min(model.ContextLimit, 2048);
        var kv = minContext * model.KvBytesPerToken / GiB;
        var nodes = (int)Math.Ceiling((weights + kv) / (sku.GpuCount * (usable - 2.3)));
        var fits = nodes <= 16 && (nodes == 1 || model.Distributed) && (model.Quantization is null || sku.ComputeCapability >= 8.0);

        var plan = CapacityPlanner.Plan(new PlanRequest(model, sku.Shape));

        Assert.Equal(fits, plan.Fits);
        Assert.Equal(usable, plan.AvailableGpuMemoryGiB, 2);
        if (!fits)
        {
            Assert.False(string.IsNullOrWhiteSpace(plan.Reason));
            return;
        }
        Assert.Equal(nodes, plan.Nodes);
        Assert.Equal(sku.GpuCount, plan.TensorParallel);
        Assert.Equal(nodes, plan.PipelineParallel);
        var gpus = sku.GpuCount * nodes;
        Assert.Equal(2.3 + (weights + kv) / gpus, plan.RequiredGpuMemoryGiB, 2);
        Assert.True(plan.RequiredGpuMemoryGiB <= plan.AvailableGpuMemoryGiB);
        // The node count is the smallest: one node fewer could not hold weights and minimum context.
        if (nodes > 1) Assert.True(2.3 + (weights + kv) / (sku.GpuCount * (nodes - 1)) > usable);
        // max-model-len: what the KV room of all GPUs holds, in steps of 256, capped at the model's limit.
        var tokens = (long)Math.Floor(((usable - 2.3) * gpus - weights) * GiB / model.KvBytesPerToken);
        var expectedContext = tokens >= model.ContextLimit ? model.ContextLimit : (int)(tokens / 256 * 256);
        Assert.Equal(expectedContext, plan.MaxModelLen);
        Assert.True(plan.MaxModelLen >= minContext);
    }

    [Theory]
    [MemberData(nameof(ModelsBySku))]
    public void Transformers_plan_keeps_the_model_on_one_node(string modelName, string skuName)
    {
        var model = ModelCatalog.Default.Find(modelName)!;
        var sku = SkuCatalog.Default.Find("azure", skuName)!;

        var usable = sku.TotalGpuMemoryGiB / sku.GpuCount * 0.84;
        var perGpu = 2.3 + (model.WeightsGiB * 1.02 * 1.05 + Math.Min(model.ContextLimit, 2048) * model.KvBytesPerToken / GiB) / sku.GpuCount;
        var fits = model.Runtimes.Contains("transformers") && perGpu <= usable;

        var plan = CapacityPlanner.Plan(new PlanRequest(model, sku.Shape, Runtimes.Transformers));

        Assert.Equal(fits, plan.Fits);
        Assert.Equal(1, plan.Nodes);
        if (model.Runtimes.Contains("transformers")) Assert.Equal(perGpu, plan.RequiredGpuMemoryGiB, 2);
        if (!fits) Assert.False(string.IsNullOrWhiteSpace(plan.Reason));
    }
}

using Kaito.Api.V1Beta1;

namespace Kaito.Presets.Tests;

/// <summary>The planner remembers its last plan (admission plans the same model on the same SKU review after review): every input counts.</summary>
public sealed class PlannerMemoTests
{
    static readonly ModelPreset Phi = ModelCatalog.Default.Find("phi-3.5-mini-instruct")!;
    static readonly ModelPreset Phi128k = ModelCatalog.Default.Find("phi-3-mini-128k-instruct")!;
    static readonly ModelPreset Qwen32b = ModelCatalog.Default.Find("qwen2.5-coder-32b-instruct")!;
    static readonly GpuShape A100 = SkuCatalog.Default.Find("azure", "Standard_NC24ads_A100_v4")!.Shape;
    static readonly GpuShape V100 = SkuCatalog.Default.Find("azure", "Standard_NC6s_v3")!.Shape;
    static readonly GpuShape A10 = SkuCatalog.Default.Find("azure", "Standard_NV36ads_A10_v5")!.Shape;

    /// <summary>Each case is planned right after the same request with one input different, so a memo that ignored it would answer.</summary>
    public static TheoryData<string> Changes => ["itemized", "runtime", "shape", "model", "max-model-len", "tuning", "suggestions"];

    [Theory]
    [MemberData(nameof(Changes))]
    public void A_request_differing_in_one_input_from_the_last_is_planned_anew(string change)
    {
        for (var round = 0; round < 3; round++)
        {
            var (request, suggestFrom, itemize) = change == "suggestions"
                ? (new PlanRequest(Qwen32b, A10, Runtimes.Transformers), null, false)
                : (new PlanRequest(Phi, A100), (IReadOnlyList<GpuSku>?)null, false);
            var first = CapacityPlanner.Plan(request, suggestFrom, itemize);
            var plan = change switch
            {
                "itemized" => CapacityPlanner.Plan(request, suggestFrom, itemize: true),
                "runtime" => CapacityPlanner.Plan(request with { Runtime = Runtimes.Transformers }, suggestFrom, itemize),
                "shape" => CapacityPlanner.Plan(request with { Shape = V100 }, suggestFrom, itemize),
                "model" => CapacityPlanner.Plan(request with { Model = Phi128k }, suggestFrom, itemize),
                "max-model-len" => CapacityPlanner.Plan(request with { MaxModelLen = 1024 }, suggestFrom, itemize),
                "tuning" => CapacityPlanner.Plan(request with { TuningMethod = "qlora" }, suggestFrom, itemize),
                _ => CapacityPlanner.Plan(request, SkuCatalog.Default.For("azure"), itemize),
            };
            switch (change)
            {
                case "itemized": Assert.Empty(first.Breakdown); Assert.NotEmpty(plan.Breakdown); break;
                case "runtime": Assert.Equal(Runtimes.Transformers, plan.Runtime); break;
                case "shape": Assert.Equal("SKU Standard_NC6s_v3", plan.Target); break;
                case "model": Assert.Equal(Phi128k.Name, plan.Model); break;
                case "max-model-len": Assert.Equal(1024, plan.MaxModelLen); break;
                case "tuning": Assert.StartsWith("tuning", plan.Workload, StringComparison.Ordinal); break;
                default: Assert.False(plan.Fits); Assert.Empty(first.Suggestions); Assert.NotEmpty(plan.Suggestions); break;
            }
        }
    }
}

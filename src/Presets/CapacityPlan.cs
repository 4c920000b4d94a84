using Kaito.Api.V1Beta1;

namespace Kaito.Presets;

public sealed record PlanRequest(ModelPreset Model, GpuShape Shape, string Runtime = Runtimes.Vllm, string? TuningMethod = null, int? MaxModelLen = null);

/// <summary>One line of the per-GPU memory budget.</summary>
public sealed record MemoryLine(string Item, double GiB);

public sealed record SkuSuggestion(string Name, int GpuCount, string GpuModel, int Nodes, double? ApproxHourlyUsd);

/// <summary>
/// The answer to "does this model fit, and on how many nodes". Memory figures are per GPU:
/// <see cref="RequiredGpuMemoryGiB"/> is what the workload needs at its minimum context,
/// <see cref="AvailableGpuMemoryGiB"/> what the runtime may use.
/// </summary>
public sealed record CapacityPlan(
    bool Fits,
    string Model,
    string Workload,
    string Runtime,
    string Target,
    int GpusPerNode,
    int Nodes,
    int TensorParallel,
    int PipelineParallel,
    double RequiredGpuMemoryGiB,
    double AvailableGpuMemoryGiB,
    int? MaxModelLen,
    string Dtype,
    string? Reason,
    IReadOnlyList<MemoryLine> Breakdown,
    IReadOnlyList<SkuSuggestion> Suggestions)
{
    public int TotalGpus => GpusPerNode * Nodes;
}

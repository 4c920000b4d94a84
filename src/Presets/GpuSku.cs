namespace Kaito.Presets;

/// <summary>A cloud GPU VM size. Memory is the node total, split evenly across its GPUs.</summary>
public sealed record GpuSku(
    string Name,
    string Cloud,
    int GpuCount,
    double TotalGpuMemoryGiB,
    string GpuModel,
    double ComputeCapability,
    bool Nvme,
    double? ApproxHourlyUsd)
{
    public GpuShape Shape => new(GpuCount, TotalGpuMemoryGiB / GpuCount, GpuModel, ComputeCapability, $"SKU {Name}");
}

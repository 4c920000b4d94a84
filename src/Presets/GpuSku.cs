using System.Runtime.CompilerServices;

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
    // Made once per instance, outside the record's fields: a field would take part in equality and be carried over by `with`.
    static readonly ConditionalWeakTable<GpuSku, GpuShape> Shapes = new();

    /// <summary>The shape of one node of this size (the same instance on every call: admission asks for it twice per review).</summary>
    public GpuShape Shape => Shapes.GetValue(this, static sku =>
        new(sku.GpuCount, sku.TotalGpuMemoryGiB / sku.GpuCount, sku.GpuModel, sku.ComputeCapability, $"SKU {sku.Name}"));
}

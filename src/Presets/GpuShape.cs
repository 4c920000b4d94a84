namespace Kaito.Presets;

/// <summary>What one node offers a workload: how many GPUs and how much memory each has.</summary>
/// <param name="ComputeCapability">CUDA compute capability; null when unknown (treated as lacking bfloat16).</param>
/// <param name="Source">Where the figures came from, for messages ("SKU Standard_NC6s_v3", "node gpu-1").</param>
public sealed record GpuShape(int GpuCount, double PerGpuMemoryGiB, string GpuModel, double? ComputeCapability, string Source)
{
    /// <summary>bfloat16 needs compute capability 8.0 (Ampere) or newer; V100 and T4 run float16.</summary>
    public bool SupportsBfloat16 => ComputeCapability >= 8.0;

    public double TotalGpuMemoryGiB => GpuCount * PerGpuMemoryGiB;
}

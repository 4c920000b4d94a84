using Kaito.Presets;

namespace Kaito.GpuSimulator;

/// <summary>
/// GPU sizes the simulated clouds sell that the operator's SKU catalog does not list: the simulator plays a cloud, which
/// knows more sizes than any catalog, so an unlisted instance type still gets a node with real-looking GPU labels.
/// </summary>
public static class UnlistedCloudSkus
{
    public static readonly IReadOnlyList<GpuSku> All =
    [
        new("Standard_ND96asr_v4", "azure", 8, 320, "NVIDIA A100-SXM4-40GB", 8.0, true, null),
        new("Standard_NC6", "azure", 1, 12, "Tesla K80", 3.7, false, null),
        new("p3.2xlarge", "aws", 1, 16, "Tesla V100-SXM2-16GB", 7.0, false, null),
        new("p3.16xlarge", "aws", 8, 128, "Tesla V100-SXM2-16GB", 7.0, false, null),
        new("g6e.12xlarge", "aws", 4, 192, "NVIDIA L40S", 8.9, true, null),
    ];

    public static GpuSku? Find(string instanceType) =>
        All.FirstOrDefault(s => string.Equals(s.Name, instanceType.Trim(), StringComparison.OrdinalIgnoreCase));
}

using System.Globalization;

namespace Kaito.Presets;

/// <summary>Reads the GPU shape of a bring-your-own node from the NVIDIA GPU feature discovery labels.</summary>
public static class NodeGpuLabels
{
    public const string Product = "nvidia.com/gpu.product";
    public const string Count = "nvidia.com/gpu.count";
    public const string MemoryMiB = "nvidia.com/gpu.memory";
    public const string GpuResource = "nvidia.com/gpu";

    // Compute capability by GPU model token, as it appears in gpu.product ("NVIDIA-A100-SXM4-80GB", "Tesla-T4").
    static readonly Dictionary<string, double> ComputeCapabilities = new(StringComparer.OrdinalIgnoreCase)
    {
        ["V100"] = 7.0, ["T4"] = 7.5, ["A100"] = 8.0, ["A30"] = 8.0, ["A10"] = 8.6, ["A10G"] = 8.6, ["A16"] = 8.6,
        ["A2"] = 8.6, ["A40"] = 8.6, ["L4"] = 8.9, ["L40"] = 8.9, ["L40S"] = 8.9, ["H100"] = 9.0, ["H200"] = 9.0,
        ["GH200"] = 9.0, ["B200"] = 10.0, ["GB200"] = 10.0,
    };

    /// <summary>The labels NVIDIA's GPU feature discovery puts on a node of <paramref name="sku"/> (what <see cref="Read"/> reads back).</summary>
    public static Dictionary<string, string> For(GpuSku sku) => new()
    {
        ["accelerator"] = "nvidia",
        [Product] = sku.GpuModel.Replace(' ', '-'),
        [Count] = sku.GpuCount.ToString(CultureInfo.InvariantCulture),
        [MemoryMiB] = ((int)(sku.Shape.PerGpuMemoryGiB * 1024)).ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// The node's GPU shape. The GPU count is the allocatable <c>nvidia.com/gpu</c> when given (what pods can
    /// actually get), else the <c>nvidia.com/gpu.count</c> label.
    /// </summary>
    public static NodeShapeResult Read(string nodeName, IReadOnlyDictionary<string, string> labels, string? allocatableGpus)
    {
        labels.TryGetValue(Product, out var product);
        if (!labels.TryGetValue(MemoryMiB, out var memoryText) || !double.TryParse(memoryText, NumberStyles.Float, CultureInfo.InvariantCulture, out var memoryMiB) || memoryMiB <= 0)
            return NodeShapeResult.Problem($"node {nodeName} has no usable {MemoryMiB} label (per-GPU memory in MiB); install the NVIDIA GPU operator or label the node");

        var countText = allocatableGpus ?? labels.GetValueOrDefault(Count);
        if (countText is null || !int.TryParse(countText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var count) || count <= 0)
            return NodeShapeResult.Problem($"node {nodeName} reports no {GpuResource} (allocatable or {Count} label)");

        var model = string.IsNullOrWhiteSpace(product) ? "unknown GPU" : product;
        return NodeShapeResult.Ok(new GpuShape(count, memoryMiB / 1024.0, model, ComputeCapabilityOf(model), $"node {nodeName}"));
    }

    public static double? ComputeCapabilityOf(string product)
    {
        foreach (var token in product.Split(['-', ' ', '_'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (ComputeCapabilities.TryGetValue(token, out var capability)) return capability;
        }
        return null;
    }
}

public sealed record NodeShapeResult(GpuShape? Shape, string? Error)
{
    public static NodeShapeResult Ok(GpuShape shape) => new(shape, null);

    public static NodeShapeResult Problem(string error) => new(null, error);
}

namespace Kaito.Presets.Tests;

public sealed class NodeGpuLabelsTests
{
    [Fact]
    public void Shape_comes_from_gpu_feature_discovery_labels_with_allocatable_count()
    {
        var labels = new Dictionary<string, string>
        {
            [NodeGpuLabels.Product] = "NVIDIA-A100-SXM4-80GB",
            [NodeGpuLabels.Count] = "8",
            [NodeGpuLabels.MemoryMiB] = "81920",
        };

        var result = NodeGpuLabels.Read("gpu-1", labels, allocatableGpus: "4");

        Assert.Null(result.Error);
        Assert.Equal(4, result.Shape!.GpuCount);
        Assert.Equal(80.0, result.Shape.PerGpuMemoryGiB);
        Assert.Equal(8.0, result.Shape.ComputeCapability);
        Assert.Equal("node gpu-1", result.Shape.Source);
    }

    [Theory]
    [InlineData("Tesla-V100-PCIE-16GB", 7.0)]
    [InlineData("Tesla-T4", 7.5)]
    [InlineData("NVIDIA-A10", 8.6)]
    [InlineData("NVIDIA-A100-PCIE-40GB", 8.0)]
    [InlineData("NVIDIA-H100-80GB-HBM3", 9.0)]
    [InlineData("NVIDIA-L4", 8.9)]
    public void Compute_capability_follows_the_gpu_model_token(string product, double expected) =>
        Assert.Equal(expected, NodeGpuLabels.ComputeCapabilityOf(product));

    [Fact]
    public void Unknown_product_has_no_compute_capability_and_runs_float16()
    {
        var labels = new Dictionary<string, string> { [NodeGpuLabels.Product] = "Mystery-GPU", [NodeGpuLabels.MemoryMiB] = "16384", [NodeGpuLabels.Count] = "1" };

        var shape = NodeGpuLabels.Read("n", labels, null).Shape!;

        Assert.Null(shape.ComputeCapability);
        Assert.False(shape.SupportsBfloat16);
    }

    [Fact]
    public void Missing_memory_label_is_an_explained_problem()
    {
        var result = NodeGpuLabels.Read("n", new Dictionary<string, string> { [NodeGpuLabels.Count] = "1" }, "1");

        Assert.Null(result.Shape);
        Assert.Contains("nvidia.com/gpu.memory", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_labels_written_for_a_sku_read_back_as_its_shape()
    {
        var sku = SkuCatalog.Default.FindInAnyCloud("Standard_NC12s_v3")!;

        var shape = NodeGpuLabels.Read("n", NodeGpuLabels.For(sku), allocatableGpus: null).Shape!;

        Assert.Equal(sku.GpuCount, shape.GpuCount);
        Assert.Equal(sku.Shape.PerGpuMemoryGiB, shape.PerGpuMemoryGiB, 3);
        Assert.Equal(sku.Shape.ComputeCapability, shape.ComputeCapability);
    }
}

using k8s.Models;
using Kaito.Api.V1Beta1;

namespace Kaito.Presets.Tests;

public sealed class InstanceTypesTests
{
    [Theory]
    [InlineData("azure", "Standard_NC24ads_A100_v4", InstanceTypeKind.Listed)]
    [InlineData("azure", "STANDARD_NC24ADS_A100_V4", InstanceTypeKind.Listed)]
    [InlineData("azure", "Standard_ND96asr_v4", InstanceTypeKind.UnlistedGpu)]
    [InlineData("azure", "Standard_NCC40ads_H100_v6", InstanceTypeKind.UnlistedGpu)]
    [InlineData("azure", "Standard_NV6ads_A10_v5", InstanceTypeKind.UnlistedGpu)]
    [InlineData("azure", "Standard_D8s_v3", InstanceTypeKind.NotGpu)]
    [InlineData("azure", "Standard_NG32ads_V620_v1", InstanceTypeKind.NotGpu)]
    [InlineData("azure", "Standard_NP10s", InstanceTypeKind.NotGpu)]
    [InlineData("azure", "Standard_NC", InstanceTypeKind.NotGpu)]
    [InlineData("azure", "Standard_NC6 ", InstanceTypeKind.UnlistedGpu)]
    [InlineData("azure", "g6e.xlarge", InstanceTypeKind.NotGpu)]
    [InlineData("arc", "Standard_NC8_L4", InstanceTypeKind.UnlistedGpu)]
    [InlineData("aws", "g6e.xlarge", InstanceTypeKind.UnlistedGpu)]
    [InlineData("aws", "p3dn.24xlarge", InstanceTypeKind.UnlistedGpu)]
    [InlineData("aws", "p6-b200.48xlarge", InstanceTypeKind.UnlistedGpu)]
    [InlineData("aws", "g5.xlarge", InstanceTypeKind.Listed)]
    [InlineData("aws", "g4ad.xlarge", InstanceTypeKind.NotGpu)]
    [InlineData("aws", "m7i.large", InstanceTypeKind.NotGpu)]
    [InlineData("aws", "g6.huge", InstanceTypeKind.NotGpu)]
    [InlineData("gcp", "a2-highgpu-1g", InstanceTypeKind.NotGpu)]
    public void Names_are_sorted_by_each_clouds_scheme(string cloud, string name, InstanceTypeKind expected) =>
        Assert.Equal(expected, InstanceTypes.Classify(cloud, name));

    [Theory]
    [InlineData("azure", "Standard_NC24ads_A100_v5", "Standard_NC24ads_A100_v4")]
    [InlineData("azure", "Standard_NC6s_v2", "Standard_NC6s_v3")]
    [InlineData("azure", "Standard_ND96asr_v4", null)]
    [InlineData("aws", "g6e.xlarge", null)]
    public void Only_azure_style_names_one_edit_from_a_listed_sku_are_likely_typos(string cloud, string name, string? meant) =>
        Assert.Equal(meant, InstanceTypes.LikelyTypoOf(cloud, name));

    [Theory]
    [InlineData("8x40Gi/A100", 8, 40.0, "A100", 8.0)]
    [InlineData("1x80Gi/NVIDIA-H100-80GB-HBM3", 1, 80.0, "NVIDIA-H100-80GB-HBM3", 9.0)]
    [InlineData(" 4x23.5Gi ", 4, 23.5, "unknown GPU", null)]
    public void A_declaration_gives_the_shape(string value, int count, double memory, string model, double? capability)
    {
        var (shape, error) = DeclaredGpus.Parse(value, "Standard_ND96asr_v4");
        Assert.Null(error);
        Assert.Equal((count, memory, model, capability), (shape!.GpuCount, shape.PerGpuMemoryGiB, shape.GpuModel, shape.ComputeCapability));
        Assert.Contains("Standard_ND96asr_v4", shape.Source, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "must be")]
    [InlineData("8x40", "must be")]
    [InlineData("x40Gi", "must be")]
    [InlineData("8x40Gi/A 100", "must be")]
    [InlineData("65x40Gi", "1 to 64")]
    [InlineData("0x40Gi", "1 to 64")]
    [InlineData("8x0Gi", "more than 0")]
    [InlineData("8x2048Gi", "at most 1024Gi")]
    public void A_bad_declaration_says_what_is_wrong(string value, string expected)
    {
        var (shape, error) = DeclaredGpus.Parse(value, "x");
        Assert.Null(shape);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_shape_of_an_unlisted_size_comes_from_the_declaration_else_from_its_node_else_is_pending()
    {
        var declared = new Dictionary<string, string> { [Annotations.SkuGpus] = "2x48Gi/L40S" };
        var node = new V1Node
        {
            Metadata = new V1ObjectMeta
            {
                Name = "n1",
                Labels = new Dictionary<string, string> { [NodeGpuLabels.Product] = "NVIDIA-A100-SXM4-40GB", [NodeGpuLabels.MemoryMiB] = "40960", [NodeGpuLabels.Count] = "8" },
            },
        };

        var fromDeclaration = WorkspaceSemantics.ShapeOf("azure", "Standard_ND96asr_v4", declared, node);
        Assert.Equal((2, 48.0, false), (fromDeclaration.Shape!.GpuCount, fromDeclaration.Shape.PerGpuMemoryGiB, fromDeclaration.Pending));

        var fromNode = WorkspaceSemantics.ShapeOf("azure", "Standard_ND96asr_v4", null, node);
        Assert.Equal((8, 40.0, 8.0), (fromNode.Shape!.GpuCount, fromNode.Shape.PerGpuMemoryGiB, fromNode.Shape.ComputeCapability));

        var pending = WorkspaceSemantics.ShapeOf("azure", "Standard_ND96asr_v4", null);
        Assert.True(pending.Pending);
        Assert.Null(pending.Shape);

        var unlabelled = WorkspaceSemantics.ShapeOf("azure", "Standard_ND96asr_v4", null, new V1Node { Metadata = new V1ObjectMeta { Name = "bare" } });
        Assert.True(unlabelled.Pending);
        Assert.Contains("bare", unlabelled.NodeNote, StringComparison.Ordinal);

        var listed = WorkspaceSemantics.ShapeOf("azure", "Standard_NC24ads_A100_v4", declared, node);
        Assert.Equal("Standard_NC24ads_A100_v4", listed.Sku!.Name);
        Assert.Equal(listed.Sku.Shape, listed.Shape);

        var notGpu = WorkspaceSemantics.ShapeOf("azure", "Standard_D8s_v3", declared, node);
        Assert.Equal((InstanceTypeKind.NotGpu, (GpuShape?)null, false), (notGpu.Kind, notGpu.Shape, notGpu.Pending));

        var broken = WorkspaceSemantics.ShapeOf("azure", "Standard_ND96asr_v4", new Dictionary<string, string> { [Annotations.SkuGpus] = "lots" }, node);
        Assert.False(broken.Pending);
        Assert.StartsWith("must be ", broken.AnnotationError, StringComparison.Ordinal);
    }
}

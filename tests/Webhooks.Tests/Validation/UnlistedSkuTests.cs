using Kaito.Api.V1Beta1;
using Kaito.Webhooks.Validation;
using static Kaito.Webhooks.Tests.Validation.Manifests;

namespace Kaito.Webhooks.Tests.Validation;

/// <summary>Instance types the SKU catalog does not list: GPU sizes named by the cloud's scheme are admitted; typos and non-GPU sizes are not.</summary>
public sealed class UnlistedSkuTests
{
    const string DeclaredPath = "metadata.annotations[kaito.sh/sku-gpus]";

    static Workspace On(string instanceType, string preset = "phi-4", string? declared = null)
    {
        var workspace = Inference();
        workspace.Inference!.Preset!.Name = preset;
        workspace.Resource!.InstanceType = instanceType;
        if (declared is not null) workspace.Metadata.Annotations = new Dictionary<string, string> { [Annotations.SkuGpus] = declared };
        return workspace;
    }

    [Theory]
    [InlineData("azure", "Standard_ND96asr_v4")]
    [InlineData("azure", "Standard_NC6")]
    [InlineData("azure", "standard_nd128isr_ndr_gb200_v6")]
    [InlineData("arc", "Standard_NC8_L4")]
    [InlineData("aws", "g6e.12xlarge")]
    [InlineData("aws", "p6-b200.48xlarge")]
    [InlineData("aws", "g5g.metal")]
    public void A_gpu_size_the_catalog_lacks_is_admitted_with_a_warning_that_says_the_fit_check_was_skipped(string cloud, string instanceType)
    {
        var result = Create(On(instanceType), Nap with { Cloud = cloud });
        Valid(result);
        var warning = Assert.Single(result.Warnings, w => w.Contains(instanceType, StringComparison.Ordinal));
        Assert.Contains("fit check was skipped", warning, StringComparison.Ordinal);
        Assert.Contains("kaito.sh/sku-gpus", warning, StringComparison.Ordinal);
        Assert.Contains("NVIDIA labels", warning, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("azure", "Standard_D8s_v3")]
    [InlineData("azure", "Standard_NG32ads_V620_v1")]   // AMD Radeon
    [InlineData("azure", "Standard_NP10s")]             // FPGA
    [InlineData("azure", "p5.48xlarge")]                // another cloud's name
    [InlineData("aws", "m5.xlarge")]
    [InlineData("aws", "g4ad.xlarge")]                  // AMD Radeon
    [InlineData("aws", "Standard_NC6s_v3")]
    public void A_name_that_is_no_gpu_size_of_the_cloud_is_refused_with_the_rule(string cloud, string instanceType)
    {
        var error = Single(Create(On(instanceType), Nap with { Cloud = cloud }), "resource.instanceType", FieldErrorType.NotSupported);
        Assert.Contains("nor named like one", error.Detail, StringComparison.Ordinal);
        Assert.Contains("closest:", error.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Standard_NC24ads_A100_v5", "Standard_NC24ads_A100_v4")]
    [InlineData("Standard_NC6s_v2", "Standard_NC6s_v3")]
    [InlineData("Standard_ND96asr_A100_v3", "Standard_ND96asr_A100_v4")]
    public void A_name_one_edit_from_a_listed_sku_is_refused_as_a_typo(string instanceType, string meant)
    {
        var error = Single(Create(On(instanceType)), "resource.instanceType", FieldErrorType.NotSupported);
        Assert.Contains($"did you mean {meant}?", error.Detail, StringComparison.Ordinal);
        Assert.Contains("kaito.sh/sku-gpus", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Declaring_the_gpus_of_a_near_name_admits_it()
    {
        var result = Create(On("Standard_NC24ads_A100_v5", declared: "1x80Gi/A100"));
        Valid(result);
        Assert.DoesNotContain(result.Warnings, w => w.Contains("fit check was skipped", StringComparison.Ordinal));
    }

    [Fact]
    public void Declared_gpus_are_fit_checked_like_a_listed_sku()
    {
        // falcon-40b (78 GiB of weights, one node only) needs more than one 16 GiB GPU.
        var error = Single(Create(On("Standard_ND96asr_v4", "falcon-40b", "1x16Gi/V100")), "resource.instanceType", FieldErrorType.Invalid);
        Assert.Contains("cheapest SKUs that fit", error.Detail, StringComparison.Ordinal);
        Valid(Create(On("Standard_ND96asr_v4", "falcon-40b", "8x40Gi/NVIDIA-A100-SXM4-40GB")));
    }

    [Theory]
    [InlineData("8")]
    [InlineData("8x40")]
    [InlineData("8x40GB")]
    [InlineData("0x40Gi")]
    [InlineData("100x40Gi")]
    [InlineData("8x0Gi")]
    [InlineData("8x40Gi/")]
    [InlineData("8 GPUs")]
    public void A_malformed_declaration_names_the_annotation_and_its_format(string declared)
    {
        var error = Single(Create(On("Standard_ND96asr_v4", declared: declared)), DeclaredPath, FieldErrorType.Invalid);
        Assert.Equal(declared, error.Value);
        Assert.True(error.Detail.Contains("8x40Gi/A100", StringComparison.Ordinal) || error.Detail.Contains("must be", StringComparison.Ordinal), error.Detail);
    }

    [Fact]
    public void Declaring_the_gpus_of_a_listed_sku_is_forbidden()
    {
        var error = Single(Create(On("Standard_NC24ads_A100_v4", declared: "1x80Gi/A100")), DeclaredPath, FieldErrorType.Forbidden);
        Assert.Contains("catalog knows Standard_NC24ads_A100_v4", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Bring_your_own_forbids_the_declaration()
    {
        var workspace = ByoInference();
        workspace.Metadata.Annotations = new Dictionary<string, string> { [Annotations.SkuGpus] = "1x80Gi/A100" };
        Has(Create(workspace, Byo, new FakeCluster()), DeclaredPath, FieldErrorType.Forbidden);
    }

    [Fact]
    public void The_declaration_cannot_change_after_creation()
    {
        var old = On("Standard_ND96asr_v4", declared: "8x40Gi/A100");
        var updated = On("Standard_ND96asr_v4", declared: "8x80Gi/A100");
        Has(Update(updated, old), DeclaredPath, FieldErrorType.Forbidden);
        Has(Update(On("Standard_ND96asr_v4"), old), DeclaredPath, FieldErrorType.Forbidden);
        Valid(Update(old, old));
    }

    [Fact]
    public void Updates_do_not_repeat_the_warning()
    {
        var workspace = On("Standard_ND96asr_v4");
        var result = Update(workspace, workspace);
        Valid(result);
        Assert.DoesNotContain(result.Warnings, w => w.Contains("fit check was skipped", StringComparison.Ordinal));
    }

    [Fact]
    public void A_rag_engine_embedding_on_an_unlisted_gpu_size_is_admitted_with_the_warning()
    {
        var rag = Rag();
        rag.Spec!.Compute!.InstanceType = "Standard_ND96asr_v4";
        var result = Create(rag);
        Valid(result);
        Assert.Contains(result.Warnings, w => w.StartsWith("spec.compute.instanceType Standard_ND96asr_v4", StringComparison.Ordinal));
    }
}

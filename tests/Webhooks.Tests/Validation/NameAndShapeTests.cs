using Kaito.Api.V1Beta1;
using Kaito.Webhooks.Validation;
using static Kaito.Webhooks.Tests.Validation.Manifests;

namespace Kaito.Webhooks.Tests.Validation;

public sealed class NameAndShapeTests
{
    [Theory]
    [InlineData("Workspace-1")]
    [InlineData("ws.one")]
    [InlineData("-ws")]
    [InlineData("a123456789012345678901234567890123456789012345678901234567890123")]
    public void Name_must_be_a_dns_label(string name)
    {
        var workspace = Inference();
        workspace.Metadata.Name = name;
        Assert.Equal(name, Single(Create(workspace), "metadata.name", FieldErrorType.Invalid).Value);
    }

    [Fact]
    public void Neither_inference_nor_tuning_is_required()
    {
        var workspace = Inference();
        workspace.Inference = null;
        var error = Single(Create(workspace), "inference", FieldErrorType.Required);
        Assert.Contains("tuning", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Both_inference_and_tuning_is_forbidden()
    {
        var workspace = Inference();
        workspace.Tuning = Tuning().Tuning;
        Has(Create(workspace), "tuning", FieldErrorType.Forbidden);
    }

    [Fact]
    public void Resource_is_required()
    {
        var workspace = Inference();
        workspace.Resource = null;
        Single(Create(workspace), "resource", FieldErrorType.Required);
    }

    [Fact]
    public void Same_rules_for_v1alpha1()
    {
        var workspace = Inference();
        workspace.ApiVersion = "kaito.sh/v1alpha1";
        workspace.Resource!.InstanceType = "Standard_NC24ads_A100_v5";
        Single(Create(workspace), "resource.instanceType", FieldErrorType.NotSupported);
    }

    [Fact]
    public void Gpu_provisioner_requires_an_instance_type()
    {
        var workspace = Inference();
        workspace.Resource!.InstanceType = null;
        Single(Create(workspace), "resource.instanceType", FieldErrorType.Required);
    }

    [Theory]
    [InlineData("Standard_XYZ")]
    [InlineData("Standard_D8s_v3")]
    public void Names_that_are_no_gpu_size_are_not_supported_with_closest_names(string sku)
    {
        var workspace = Inference();
        workspace.Resource!.InstanceType = sku;
        var error = Single(Create(workspace), "resource.instanceType", FieldErrorType.NotSupported);
        Assert.Equal(sku, error.Value);
        Assert.Contains("closest: Standard_", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Sku_lookup_is_case_insensitive_and_per_cloud()
    {
        var workspace = Inference();
        workspace.Resource!.InstanceType = "standard_nc24ads_a100_v4";
        Valid(Create(workspace));
        Single(Create(workspace, Nap with { Cloud = "aws" }), "resource.instanceType", FieldErrorType.NotSupported);
    }

    [Fact]
    public void Bring_your_own_forbids_an_instance_type()
    {
        var workspace = Inference();
        Has(Create(workspace, Byo, new FakeCluster()), "resource.instanceType", FieldErrorType.Forbidden);
    }

    [Fact]
    public void Many_problems_are_reported_together_in_sorted_order()
    {
        var workspace = Workspace("""
            apiVersion: kaito.sh/v1beta1
            kind: Workspace
            metadata:
              name: Bad_Name
              annotations:
                kaito.sh/runtime: tensorrt
                kaito.sh/performance-mode: fast
            resource:
              instanceType: Standard_XYZ
              labelSelector: {}
            inference:
              preset:
                name: phi-9
              adapters:
                - strength: "2"
                - source:
                    name: a
                    urls: ["https://x.io/a"]
            """);
        var result = Create(workspace);
        Assert.Equal(
        [
            "inference.adapters[0].source:Required",
            "inference.adapters[0].strength:Invalid",
            "inference.adapters[1].source:Required",
            "inference.adapters[1].source.urls:Forbidden",
            "inference.preset.name:NotSupported",
            "metadata.annotations[kaito.sh/performance-mode]:NotSupported",
            "metadata.annotations[kaito.sh/runtime]:NotSupported",
            "metadata.name:Invalid",
            "resource.instanceType:NotSupported",
            "resource.labelSelector:Required",
        ], result.Errors.Select(e => $"{e.Path}:{e.Type}"));
        Assert.Equal(result.Errors.Select(e => e.Path).Order(StringComparer.Ordinal), result.Errors.Select(e => e.Path));
        Assert.Equal(result.Errors, Create(workspace).Errors);
    }

    [Fact]
    public void Null_nested_objects_never_throw()
    {
        Assert.False(Create(new Workspace { Metadata = null! }).Allowed);
        Assert.False(Create(new Workspace { Resource = new ResourceSpec(), Inference = new InferenceSpec { Adapters = [null!, new AdapterSpec()] } }).Allowed);
        Assert.False(Create(new Workspace { Resource = new ResourceSpec { LabelSelector = new() { MatchExpressions = [null!] } }, Tuning = new TuningSpec() }).Allowed);
        Assert.False(Create(new Workspace { Tuning = new TuningSpec { Input = new DataSource(), Output = new DataDestination(), Preset = new PresetSpec() } }).Allowed);
        Assert.False(Update(new Workspace { Inference = new InferenceSpec() }, new Workspace { Tuning = new TuningSpec() }).Allowed);
    }
}

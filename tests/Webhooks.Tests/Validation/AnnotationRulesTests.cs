using Kaito.Api.V1Beta1;
using Kaito.Webhooks.Validation;
using static Kaito.Webhooks.Tests.Validation.Manifests;

namespace Kaito.Webhooks.Tests.Validation;

public sealed class AnnotationRulesTests
{
    static ValidationResult WithAnnotation(string key, string value, bool update = false)
    {
        var workspace = Inference();
        workspace.Metadata.Annotations = new Dictionary<string, string> { [key] = value };
        return update ? Update(workspace, Inference()) : Create(workspace);
    }

    [Theory]
    [InlineData(Annotations.Runtime, "tensorrt", FieldErrorType.NotSupported)]
    [InlineData(Annotations.Runtime, "VLLM", FieldErrorType.NotSupported)]
    [InlineData(Annotations.BypassResourceChecks, "yes", FieldErrorType.Invalid)]
    [InlineData(Annotations.NodeImageFamily, "windows", FieldErrorType.NotSupported)]
    [InlineData(Annotations.PerformanceMode, "fast", FieldErrorType.NotSupported)]
    [InlineData(Annotations.UseLocalWeights, "True", FieldErrorType.Invalid)]
    public void Bad_values_are_rejected_on_create_and_update(string key, string value, FieldErrorType type)
    {
        Assert.Equal(value, Single(WithAnnotation(key, value), $"metadata.annotations[{key}]", type).Value);
        Single(WithAnnotation(key, value, update: true), $"metadata.annotations[{key}]", type);
    }

    [Theory]
    [InlineData(Annotations.Runtime, "transformers")]
    [InlineData(Annotations.Runtime, "vllm")]
    [InlineData(Annotations.BypassResourceChecks, "false")]
    [InlineData(Annotations.NodeImageFamily, " AzureLinux ")]
    [InlineData(Annotations.NodeImageFamily, "ubuntu")]
    [InlineData(Annotations.PerformanceMode, "throughput")]
    [InlineData(Annotations.UseLocalWeights, "false")]
    [InlineData("example.com/other", "anything")]
    public void Good_values_are_accepted(string key, string value) => Valid(WithAnnotation(key, value));

    [Fact]
    public void Bypass_true_skips_the_fit_check_with_a_warning()
    {
        var workspace = Inference();
        workspace.Inference!.Preset!.Name = "falcon-40b";
        workspace.Resource!.InstanceType = "Standard_NC4as_T4_v3";
        Has(Create(workspace), "resource.instanceType", FieldErrorType.Invalid);

        workspace.Metadata.Annotations = new Dictionary<string, string> { [Annotations.BypassResourceChecks] = "false" };
        Has(Create(workspace), "resource.instanceType", FieldErrorType.Invalid);

        workspace.Metadata.Annotations[Annotations.BypassResourceChecks] = "true";
        var result = Create(workspace);
        Valid(result);
        var warning = Assert.Single(result.Warnings);
        Assert.Contains("bypassed", warning, StringComparison.Ordinal);
        Assert.True(warning.Length <= 120);
    }

    [Fact]
    public void Vllm_annotation_with_the_vllm_gate_off_is_forbidden()
    {
        var workspace = Inference();
        workspace.Metadata.Annotations = new Dictionary<string, string> { [Annotations.Runtime] = "vllm" };
        var settings = Nap with { Gates = new FeatureGates(Vllm: false) };
        Single(Create(workspace, settings), "metadata.annotations[kaito.sh/runtime]", FieldErrorType.Forbidden);
        workspace.Metadata.Annotations.Clear();
        Valid(Create(workspace, settings));
    }
}

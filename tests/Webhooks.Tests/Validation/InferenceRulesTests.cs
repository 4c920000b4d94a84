using k8s.Models;
using Kaito.Api.V1Beta1;
using Kaito.Webhooks.Validation;
using static Kaito.Webhooks.Tests.Validation.Manifests;

namespace Kaito.Webhooks.Tests.Validation;

public sealed class InferenceRulesTests
{
    [Fact]
    public void Preset_or_template_is_required()
    {
        var workspace = Inference();
        workspace.Inference!.Preset = null;
        Single(Create(workspace), "inference.preset", FieldErrorType.Required);
    }

    [Fact]
    public void Preset_and_template_together_are_forbidden()
    {
        var workspace = Inference();
        workspace.Inference!.Template = new V1PodTemplateSpec();
        Single(Create(workspace), "inference.template", FieldErrorType.Forbidden);
    }

    [Fact]
    public void Template_alone_is_valid()
    {
        var workspace = Inference();
        workspace.Inference!.Preset = null;
        workspace.Inference.Template = new V1PodTemplateSpec();
        Valid(Create(workspace));
    }

    [Fact]
    public void Unknown_preset_names_closest_models_and_the_list_command()
    {
        var workspace = Inference();
        workspace.Inference!.Preset!.Name = "phi-3-mini-4k-instruc";
        var error = Single(Create(workspace), "inference.preset.name", FieldErrorType.NotSupported);
        Assert.Contains("phi-3-mini-4k-instruct", error.Detail, StringComparison.Ordinal);
        Assert.Contains("kubectl kaito models list", error.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("PHI-3-MINI-4K-INSTRUCT")]
    [InlineData("microsoft/Phi-3-mini-4k-instruct")]
    public void Preset_names_are_case_insensitive_and_accept_hf_ids(string name)
    {
        var workspace = Inference();
        workspace.Inference!.Preset!.Name = name;
        Valid(Create(workspace));
    }

    [Fact]
    public void Model_must_support_the_runtime()
    {
        var workspace = Inference();
        workspace.Inference!.Preset!.Name = "gpt-oss-20b";
        workspace.Metadata.Annotations = new Dictionary<string, string> { [Annotations.Runtime] = Runtimes.Transformers };
        var error = Single(Create(workspace), "metadata.annotations[kaito.sh/runtime]", FieldErrorType.Forbidden);
        Assert.Contains("vllm", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Vllm_gate_off_means_transformers()
    {
        var workspace = Inference();
        workspace.Inference!.Preset!.Name = "gpt-oss-20b";
        Single(Create(workspace, Nap with { Gates = new FeatureGates(Vllm: false) }), "metadata.annotations[kaito.sh/runtime]", FieldErrorType.Forbidden);
    }

    [Fact]
    public void Gated_model_needs_a_model_access_secret()
    {
        var workspace = Inference();
        workspace.Inference!.Preset!.Name = "llama-3.1-8b-instruct";
        Single(Create(workspace), "inference.preset.presetOptions.modelAccessSecret", FieldErrorType.Required);
        workspace.Inference.Preset.PresetOptions = new PresetOptions { ModelAccessSecret = "hf-token" };
        Valid(Create(workspace));
    }
}

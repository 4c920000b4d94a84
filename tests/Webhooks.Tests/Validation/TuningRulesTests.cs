using System.Text.Json.Nodes;
using Kaito.Webhooks.Validation;
using static Kaito.Webhooks.Tests.Validation.Manifests;

namespace Kaito.Webhooks.Tests.Validation;

public sealed class TuningRulesTests
{
    [Fact]
    public void Multi_node_tuning_is_forbidden()
    {
        var workspace = Tuning();
        workspace.Resource!.Count = 2;
        Single(Create(workspace), "resource.count", FieldErrorType.Forbidden);
    }

    [Fact]
    public void Preset_is_required_and_known()
    {
        var workspace = Tuning();
        workspace.Tuning!.Preset = null;
        Single(Create(workspace), "tuning.preset", FieldErrorType.Required);
        workspace = Tuning();
        workspace.Tuning!.Preset!.Name = "phi-3-mini-128k";
        Assert.Contains("phi-3-mini-128k-instruct", Single(Create(workspace), "tuning.preset.name", FieldErrorType.NotSupported).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Model_must_be_tunable()
    {
        var workspace = Tuning();
        workspace.Tuning!.Preset!.Name = "gpt-oss-20b";
        Single(Create(workspace), "tuning.preset.name", FieldErrorType.Forbidden);
    }

    [Theory]
    [InlineData("QLoRA", null)]
    [InlineData("LORA", null)]
    [InlineData("dpo", FieldErrorType.NotSupported)]
    [InlineData("", FieldErrorType.Required)]
    public void Method_is_lora_or_qlora_case_insensitively(string method, FieldErrorType? expected)
    {
        var workspace = Tuning();
        workspace.Tuning!.Method = method;
        if (expected is { } type) Single(Create(workspace), "tuning.method", type);
        else Valid(Create(workspace));
    }

    [Fact]
    public void Input_and_output_are_required_and_never_crash()
    {
        var workspace = Tuning();
        workspace.Tuning!.Input = null;
        workspace.Tuning.Output = null;
        var result = Create(workspace);
        Assert.Equal(["tuning.input:Required", "tuning.output:Required"], result.Errors.Select(e => $"{e.Path}:{e.Type}"));
    }

    [Fact]
    public void Input_needs_exactly_one_source()
    {
        var workspace = Tuning();
        workspace.Tuning!.Input!.Urls = null;
        Assert.Contains("volumeSource", Single(Create(workspace), "tuning.input", FieldErrorType.Required).Detail, StringComparison.Ordinal);
        workspace.Tuning.Input.Urls = ["https://example.com/a"];
        workspace.Tuning.Input.Image = "registry.io/data:1";
        Single(Create(workspace), "tuning.input", FieldErrorType.Invalid);
    }

    [Fact]
    public void Input_image_must_parse()
    {
        var workspace = Tuning();
        workspace.Tuning!.Input!.Urls = null;
        workspace.Tuning.Input.Image = "registry.io/data:";
        Single(Create(workspace), "tuning.input.image", FieldErrorType.Invalid);
    }

    [Theory]
    [InlineData("""{"persistentVolumeClaim": {"claimName": "data"}}""", null)]
    [InlineData("""{"emptyDir": {}}""", null)]
    [InlineData("""{"csi": {"driver": "blob.csi.azure.com"}}""", null)]
    [InlineData("""{"s3": {"bucket": "x"}}""", FieldErrorType.NotSupported)]
    [InlineData("""{}""", FieldErrorType.Invalid)]
    [InlineData("""{"emptyDir": {}, "hostPath": {"path": "/x"}}""", FieldErrorType.Invalid)]
    [InlineData("""{"hostPath": "/x"}""", FieldErrorType.Invalid)]
    public void Input_volume_source_names_one_kubernetes_volume_type(string json, FieldErrorType? expected)
    {
        var workspace = Tuning();
        workspace.Tuning!.Input!.Urls = null;
        workspace.Tuning.Input.VolumeSource = (JsonObject)JsonNode.Parse(json)!;
        if (expected is { } type) Single(Create(workspace), "tuning.input.volumeSource", type);
        else Valid(Create(workspace));
    }

    [Fact]
    public void Output_rules()
    {
        var workspace = Tuning();
        workspace.Tuning!.Output!.ImagePushSecret = null;
        Single(Create(workspace), "tuning.output.imagePushSecret", FieldErrorType.Required);

        workspace = Tuning();
        workspace.Tuning!.Output!.Image = "Registry With Space/x";
        Single(Create(workspace), "tuning.output.image", FieldErrorType.Invalid);

        workspace = Tuning();
        workspace.Tuning!.Output!.VolumeSource = new JsonObject { ["emptyDir"] = new JsonObject() };
        Single(Create(workspace), "tuning.output", FieldErrorType.Invalid);

        workspace = Tuning();
        workspace.Tuning!.Output!.Image = null;
        Single(Create(workspace), "tuning.output", FieldErrorType.Required);
        workspace.Tuning.Output.VolumeSource = new JsonObject { ["persistentVolumeClaim"] = new JsonObject { ["claimName"] = "out" } };
        Valid(Create(workspace));
    }
}

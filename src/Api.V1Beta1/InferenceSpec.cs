using System.ComponentModel;
using System.Text.Json.Serialization;
using k8s.Models;
using Kaito.Api.V1Beta1.Schema;

namespace Kaito.Api.V1Beta1;

[Description("What to serve.")]
public sealed class InferenceSpec
{
    [JsonPropertyName("preset")]
    [Description("A supported model, served with the preset's runtime settings. Mutually exclusive with template.")]
    public PresetSpec? Preset { get; set; }

    [JsonPropertyName("template")]
    [CrdPreserveUnknownFields]
    [Description("A custom pod template to run instead of a preset. Mutually exclusive with preset.")]
    public V1PodTemplateSpec? Template { get; set; }

    [JsonPropertyName("config")]
    [Description("Name of a ConfigMap in the same namespace with key inference_config.yaml holding runtime parameters.")]
    public string? Config { get; set; }

    [JsonPropertyName("adapters")]
    [Description("LoRA adapters loaded on top of the preset model.")]
    public IList<AdapterSpec>? Adapters { get; set; }
}

[Description("A preset model.")]
public sealed class PresetSpec
{
    [JsonPropertyName("name")]
    [CrdRequired]
    [Description("Preset model name (for example phi-3-mini-4k-instruct) or a Hugging Face model id (org/model).")]
    public string? Name { get; set; }

    [JsonPropertyName("accessMode")]
    [CrdEnum("public", "private")]
    [CrdDefault("\"public\"")]
    [Description("Deprecated: whether the model image is public or private.")]
    public string? AccessMode { get; set; }

    [JsonPropertyName("presetOptions")]
    [Description("Options for pulling and accessing the model.")]
    public PresetOptions? PresetOptions { get; set; }
}

[Description("Options for pulling and accessing a preset model.")]
public sealed class PresetOptions
{
    [JsonPropertyName("image")]
    [Description("Deprecated: the model image for private presets.")]
    public string? Image { get; set; }

    [JsonPropertyName("imagePullSecrets")]
    [Description("Deprecated: secrets used to pull the model image.")]
    public IList<string>? ImagePullSecrets { get; set; }

    [JsonPropertyName("modelAccessSecret")]
    [Description("Name of a Secret in the same namespace with key HF_TOKEN, for gated Hugging Face models.")]
    public string? ModelAccessSecret { get; set; }
}

[Description("A LoRA adapter.")]
public sealed class AdapterSpec
{
    [JsonPropertyName("source")]
    [Description("Where the adapter weights come from; name identifies the adapter.")]
    public DataSource? Source { get; set; }

    [JsonPropertyName("strength")]
    [Description("Multiplier applied to the adapter weights, a decimal in a string between 0 and 1, for example \"1.0\".")]
    public string? Strength { get; set; }
}

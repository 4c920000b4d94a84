using System.ComponentModel;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Kaito.Api.V1Beta1.Schema;

namespace Kaito.Api.V1Beta1;

[Description("A fine-tuning run.")]
public sealed class TuningSpec
{
    [JsonPropertyName("preset")]
    [Description("The base model to tune.")]
    public PresetSpec? Preset { get; set; }

    [JsonPropertyName("method")]
    [Description("Tuning method: lora or qlora.")]
    public string? Method { get; set; }

    [JsonPropertyName("config")]
    [Description("Name of a ConfigMap in the same namespace with key training_config.yaml; a default for the method is used when empty.")]
    public string? Config { get; set; }

    [JsonPropertyName("input")]
    [CrdRequired]
    [Description("The training data.")]
    public DataSource? Input { get; set; }

    [JsonPropertyName("output")]
    [CrdRequired]
    [Description("Where the tuned adapter is published.")]
    public DataDestination? Output { get; set; }
}

[Description("Data read by a workload: URLs, an image or a volume.")]
public sealed class DataSource
{
    [JsonPropertyName("name")]
    [Description("Name of the data (a DNS subdomain); used for the container that fetches it.")]
    public string? Name { get; set; }

    [JsonPropertyName("urls")]
    [Description("HTTP(S) URLs to download.")]
    public IList<string>? Urls { get; set; }

    [JsonPropertyName("volumeSource")]
    [CrdPreserveUnknownFields]
    [Description("A Kubernetes volume source (persistentVolumeClaim, hostPath, ...) holding the data.")]
    public JsonObject? VolumeSource { get; set; }

    [JsonPropertyName("image")]
    [Description("A container image with the data under /data.")]
    public string? Image { get; set; }

    [JsonPropertyName("imagePullSecrets")]
    [Description("Secrets used to pull the image.")]
    public IList<string>? ImagePullSecrets { get; set; }
}

[Description("Where a workload writes its result: an image or a volume.")]
public sealed class DataDestination
{
    [JsonPropertyName("volumeSource")]
    [CrdPreserveUnknownFields]
    [Description("A Kubernetes volume source the result is written to.")]
    public JsonObject? VolumeSource { get; set; }

    [JsonPropertyName("image")]
    [Description("Image reference the result is pushed to.")]
    public string? Image { get; set; }

    [JsonPropertyName("imagePushSecret")]
    [Description("Name of a docker-registry Secret used to push the image.")]
    public string? ImagePushSecret { get; set; }
}

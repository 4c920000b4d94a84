namespace Kaito.Presets;

/// <summary>A model the operator knows how to run, with the figures capacity planning needs.</summary>
/// <param name="Name">Preset name users write in <c>inference.preset.name</c>.</param>
/// <param name="Aliases">Other accepted names (the lower-cased Hugging Face id).</param>
/// <param name="WeightsGiB">Size of the weights as stored (already quantized where the model is).</param>
/// <param name="ContextLimit">Longest sequence the model supports, in tokens.</param>
/// <param name="KvBytesPerToken">KV-cache bytes one token takes across all layers (16-bit cache).</param>
public sealed record ModelPreset(
    string Name,
    IReadOnlyList<string> Aliases,
    string HuggingFaceId,
    double WeightsGiB,
    int ContextLimit,
    long KvBytesPerToken,
    string Attention,
    string Architecture,
    string? Quantization,
    IReadOnlyList<string> Runtimes,
    IReadOnlyList<string> TuningMethods,
    bool Distributed,
    bool ModelAccessSecretRequired,
    bool DownloadAtRuntime,
    string Image,
    string Tag)
{
    public bool SupportsRuntime(string runtime) => Runtimes.Contains(runtime, StringComparer.OrdinalIgnoreCase);

    public bool SupportsTuning(string method) => TuningMethods.Contains(method, StringComparer.OrdinalIgnoreCase);

}

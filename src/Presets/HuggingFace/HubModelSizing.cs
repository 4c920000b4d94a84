using System.Globalization;
using System.Text.Json.Nodes;

namespace Kaito.Presets.HuggingFace;

/// <summary>What was read about a Hub model, for <c>kubectl kaito models describe</c> and for messages.</summary>
public sealed record HubModelFacts(
    string Architecture,
    int Layers,
    int HiddenSize,
    int AttentionHeads,
    int KvHeads,
    int HeadDim,
    int? KvLoraRank,
    int ContextLimit,
    IReadOnlyDictionary<string, long> ParametersByDtype,
    long WeightBytes,
    string WeightsSource,
    int? Experts,
    int? ExpertsPerToken,
    string? Gated);

/// <summary>A model the Hub describes, sized for the capacity planner, or why it cannot be.</summary>
public sealed record HubModelSizingResult(ModelPreset? Model, HubModelFacts? Facts, string? Problem);

/// <summary>
/// Sizes any Hub model from its own metadata, as the catalog's presets are sized: the weights as stored (the model API's
/// safetensors parameter counts by dtype, or the total_size of model.safetensors.index.json) and the KV cache per token
/// from config.json (layers × KV heads × head dim, or the compressed latent of multi-head latent attention). Mixture-of-
/// experts models load every expert, so their memory is their total parameters, not the active ones.
/// </summary>
public static class HubModelSizing
{
    const int KvBytesPerValue = 2;   // the planner's KV cache is 16-bit, as for the presets

    /// <summary>Bytes per stored value by safetensors dtype; packed integer types hold quantized weights.</summary>
    static readonly Dictionary<string, int> DtypeBytes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["F64"] = 8, ["I64"] = 8, ["F32"] = 4, ["I32"] = 4, ["U32"] = 4, ["BF16"] = 2, ["F16"] = 2, ["I16"] = 2, ["U16"] = 2,
        ["F8_E4M3"] = 1, ["F8_E5M2"] = 1, ["I8"] = 1, ["U8"] = 1, ["BOOL"] = 1,
    };

    /// <param name="repoId">The Hub id as the user wrote it.</param>
    /// <param name="modelInfo">The model API's answer (GET /api/models/&lt;id&gt;), if any.</param>
    /// <param name="config">config.json.</param>
    /// <param name="indexTotalBytes">metadata.total_size of model.safetensors.index.json, when the model API gave no counts.</param>
    /// <param name="baseImage">The image that downloads weights at start (image, tag).</param>
    public static HubModelSizingResult Size(string repoId, JsonNode? modelInfo, JsonNode? config, long? indexTotalBytes, (string Image, string Tag) baseImage)
    {
        if (config is not JsonObject root) return Fail("config.json is not a JSON object");
        var text = root["text_config"] is JsonObject nested && Int(root, "num_hidden_layers") is null ? nested : root;
        var architecture = (root["architectures"] as JsonArray)?.FirstOrDefault()?.AsValue().TryGetValue<string>(out var a) == true ? a : null;
        if (architecture is null) return Fail("config.json names no architectures; it is not a model vLLM can load");
        if (!VllmArchitectures.Supports(architecture))
            return Fail($"its architecture {architecture} is not one vLLM serves (`kubectl kaito models describe` lists what was read)");

        var layers = Int(text, "num_hidden_layers") ?? Int(text, "n_layer") ?? Int(text, "num_layers");
        var hidden = Int(text, "hidden_size") ?? Int(text, "n_embd") ?? Int(text, "d_model");
        var heads = Int(text, "num_attention_heads") ?? Int(text, "n_head");
        if (layers is not > 0 || hidden is not > 0 || heads is not > 0)
            return Fail("config.json lacks a positive num_hidden_layers, hidden_size or num_attention_heads");
        var kvHeads = Int(text, "num_key_value_heads") ?? Int(text, "multi_query_group_num") ?? (Bool(text, "multi_query") == true ? 1 : heads.Value);
        var headDim = Int(text, "head_dim") ?? hidden.Value / heads.Value;
        if (kvHeads <= 0 || kvHeads > heads || headDim <= 0) return Fail($"config.json has {kvHeads} key/value heads for {heads} attention heads");
        var context = Int(text, "max_position_embeddings") ?? Int(text, "n_positions") ?? Int(text, "seq_length") ?? Int(text, "max_sequence_length");
        if (context is not > 0) return Fail("config.json gives no max_position_embeddings (the longest sequence the model takes)");

        // Multi-head latent attention caches one compressed latent and the rotary part per layer, not K and V per head.
        var kvLoraRank = Int(text, "kv_lora_rank");
        var kvPerToken = kvLoraRank is > 0
            ? (long)layers.Value * (kvLoraRank.Value + (Int(text, "qk_rope_head_dim") ?? 0)) * KvBytesPerValue
            : 2L * layers.Value * kvHeads * headDim * KvBytesPerValue;
        var attention = kvLoraRank is > 0 ? "MLA" : kvHeads == 1 ? "MQA" : kvHeads < heads ? "GQA" : "MHA";

        var parameters = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        if (modelInfo?["safetensors"]?["parameters"] is JsonObject counts)
        {
            foreach (var (dtype, value) in counts)
            {
                if (value is JsonValue v && v.TryGetValue<long>(out var n) && n >= 0) parameters[dtype] = n;
                else return Fail($"the model API's safetensors.parameters.{dtype} is not a count");
            }
        }
        long weightBytes;
        string source;
        if (parameters.Count > 0)
        {
            var unknown = parameters.Keys.FirstOrDefault(k => !DtypeBytes.ContainsKey(k));
            if (unknown is not null) return Fail($"the weights use dtype {unknown}, whose size is unknown here");
            weightBytes = parameters.Sum(p => p.Value * DtypeBytes[p.Key]);
            source = "model API safetensors parameters";
        }
        else if (indexTotalBytes is > 0)
        {
            weightBytes = indexTotalBytes.Value;
            source = "model.safetensors.index.json total_size";
        }
        else
        {
            return Fail("neither the model API nor model.safetensors.index.json gives the size of the weights (only safetensors models are sized)");
        }

        var quantization = (root["quantization_config"] ?? text["quantization_config"])?["quant_method"] is JsonValue q && q.TryGetValue<string>(out var method) ? method : null;
        var gated = modelInfo?["gated"] switch
        {
            JsonValue g when g.TryGetValue<string>(out var mode) => mode,
            JsonValue g when g.TryGetValue<bool>(out var on) && on => "true",
            _ => null,
        };
        var facts = new HubModelFacts(architecture, layers.Value, hidden.Value, heads.Value, kvHeads, headDim, kvLoraRank, context.Value, parameters,
            weightBytes, source, Int(text, "num_local_experts") ?? Int(text, "num_experts") ?? Int(text, "n_routed_experts"), Int(text, "num_experts_per_tok"), gated);
        var model = new ModelPreset(
            Name: repoId, Aliases: [], HuggingFaceId: repoId,
            WeightsGiB: Math.Round(weightBytes / (1024.0 * 1024 * 1024), 2), ContextLimit: context.Value, KvBytesPerToken: kvPerToken,
            Attention: attention, Architecture: architecture, Quantization: quantization,
            Runtimes: [Kaito.Api.V1Beta1.Runtimes.Vllm], TuningMethods: [], Distributed: true,
            ModelAccessSecretRequired: gated is not null, DownloadAtRuntime: true, Image: baseImage.Image, Tag: baseImage.Tag);
        return new HubModelSizingResult(model, facts, null);

        static HubModelSizingResult Fail(string problem) => new(null, null, problem);
    }

    static int? Int(JsonNode? node, string key) =>
        node?[key] is JsonValue v && v.TryGetValue<double>(out var d) && d is >= int.MinValue and <= int.MaxValue && d == Math.Floor(d) ? (int)d : null;

    static bool? Bool(JsonNode? node, string key) => node?[key] is JsonValue v && v.TryGetValue<bool>(out var b) ? b : null;

    /// <summary>A human figure: 8.03B, 13.2M.</summary>
    public static string Count(long n) => n switch
    {
        >= 1_000_000_000 => (n / 1e9).ToString("0.##", CultureInfo.InvariantCulture) + "B",
        >= 1_000_000 => (n / 1e6).ToString("0.##", CultureInfo.InvariantCulture) + "M",
        _ => n.ToString(CultureInfo.InvariantCulture),
    };
}

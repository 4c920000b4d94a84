namespace Kaito.Presets.HuggingFace;

/// <summary>
/// Model architectures (config.json's <c>architectures[0]</c>) that vLLM serves as text generators: the preset catalog's own,
/// and the common ones of vLLM's supported-models list. A model of another architecture is refused at admission, by name,
/// rather than failing on a GPU node at load time.
/// </summary>
public static class VllmArchitectures
{
    static readonly HashSet<string> Known = new(StringComparer.Ordinal)
    {
        "BaichuanForCausalLM", "BloomForCausalLM", "ChatGLMModel", "CohereForCausalLM", "Cohere2ForCausalLM", "DbrxForCausalLM",
        "DeepseekForCausalLM", "DeepseekV2ForCausalLM", "DeepseekV3ForCausalLM", "ExaoneForCausalLM", "FalconForCausalLM",
        "GemmaForCausalLM", "Gemma2ForCausalLM", "Gemma3ForCausalLM", "Gemma3ForConditionalGeneration", "Glm4ForCausalLM",
        "GPT2LMHeadModel", "GPTBigCodeForCausalLM", "GPTJForCausalLM", "GPTNeoXForCausalLM", "GptOssForCausalLM",
        "GraniteForCausalLM", "GraniteMoeForCausalLM", "InternLMForCausalLM", "InternLM2ForCausalLM", "JambaForCausalLM",
        "LlamaForCausalLM", "LlavaForConditionalGeneration", "MiniCPMForCausalLM", "MiniCPM3ForCausalLM", "Mistral3ForConditionalGeneration",
        "MistralForCausalLM", "MixtralForCausalLM", "MPTForCausalLM", "NemotronForCausalLM", "OlmoForCausalLM", "Olmo2ForCausalLM",
        "OlmoeForCausalLM", "OPTForCausalLM", "PhiForCausalLM", "Phi3ForCausalLM", "PhiMoEForCausalLM", "Qwen2ForCausalLM",
        "Qwen2MoeForCausalLM", "Qwen2VLForConditionalGeneration", "Qwen2_5_VLForConditionalGeneration", "Qwen3ForCausalLM",
        "Qwen3MoeForCausalLM", "StableLmForCausalLM", "Starcoder2ForCausalLM",
    };

    static readonly HashSet<string> All = [.. Known, .. ModelCatalog.Default.Models.Select(m => m.Architecture)];

    public static bool Supports(string architecture) => All.Contains(architecture);
}

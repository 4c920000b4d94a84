namespace Kaito.Testing;

/// <summary>
/// Hub-shaped metadata of model families, with the dimensions their real config.json files carry, served by
/// <see cref="HubTestServer"/> under kaito-test/* ids.
/// </summary>
public static class HubModels
{
    public const string Llama = "kaito-test/llama-style-8b";
    public const string Qwen = "kaito-test/qwen-style-7b";
    public const string Mistral = "kaito-test/mistral-style-7b";
    public const string Gemma = "kaito-test/gemma-style-4b";
    public const string Mixtral = "kaito-test/mixtral-style-8x7b";
    public const string DeepseekMla = "kaito-test/deepseek-v2-style-lite";
    public const string Bert = "kaito-test/bert-style";
    public const string Malformed = "kaito-test/malformed";
    public const string Slow = "kaito-test/slow";
    public const string Failing = "kaito-test/failing";

    static string Info(string id, long? bf16, object gated = null!) =>
        $$"""{"id": "{{id}}", "gated": {{(gated is string g ? $"\"{g}\"" : "false")}}{{(bf16 is { } n ? $$""", "safetensors": {"parameters": {"BF16": {{n}}}, "total": {{n}}}""" : "")}}}""";

    public static HubTestServer Serve(string address = "127.0.0.1")
    {
        var hub = new HubTestServer(address);
        hub.Add(Llama, new(Info(Llama, 8030261248, "manual"), """
            {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "num_hidden_layers": 32, "hidden_size": 4096,
             "num_attention_heads": 32, "num_key_value_heads": 8, "max_position_embeddings": 131072, "torch_dtype": "bfloat16"}
            """, Gated: true));
        hub.Add(Qwen, new(Info(Qwen, 7615616512), """
            {"architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "num_hidden_layers": 28, "hidden_size": 3584,
             "num_attention_heads": 28, "num_key_value_heads": 4, "max_position_embeddings": 32768}
            """));
        // No parameter counts in the model API: the size comes from the safetensors index.
        hub.Add(Mistral, new(Info(Mistral, null), """
            {"architectures": ["MistralForCausalLM"], "num_hidden_layers": 32, "hidden_size": 4096, "num_attention_heads": 32,
             "num_key_value_heads": 8, "head_dim": 128, "max_position_embeddings": 32768}
            """, Index: """{"metadata": {"total_size": 14483464192}, "weight_map": {}}"""));
        // Multimodal: the language model's dimensions sit under text_config.
        hub.Add(Gemma, new(Info(Gemma, 4300079472), """
            {"architectures": ["Gemma3ForConditionalGeneration"], "text_config": {"num_hidden_layers": 34, "hidden_size": 2560,
             "num_attention_heads": 8, "num_key_value_heads": 4, "head_dim": 256, "max_position_embeddings": 131072}}
            """));
        hub.Add(Mixtral, new(Info(Mixtral, 46702792704), """
            {"architectures": ["MixtralForCausalLM"], "num_hidden_layers": 32, "hidden_size": 4096, "num_attention_heads": 32,
             "num_key_value_heads": 8, "max_position_embeddings": 32768, "num_local_experts": 8, "num_experts_per_tok": 2}
            """));
        hub.Add(DeepseekMla, new(Info(DeepseekMla, 15706484224), """
            {"architectures": ["DeepseekV2ForCausalLM"], "num_hidden_layers": 27, "hidden_size": 2048, "num_attention_heads": 16,
             "num_key_value_heads": 16, "kv_lora_rank": 512, "qk_rope_head_dim": 64, "max_position_embeddings": 163840,
             "n_routed_experts": 64, "num_experts_per_tok": 6}
            """));
        hub.Add(Bert, new(Info(Bert, 109482240), """
            {"architectures": ["BertForMaskedLM"], "num_hidden_layers": 12, "hidden_size": 768, "num_attention_heads": 12, "max_position_embeddings": 512}
            """));
        hub.Add(Malformed, new(Info(Malformed, 1000), """{"architectures": ["LlamaForCausalLM"], "num_hidden_layers": """));
        hub.Add(Slow, new(Info(Slow, 1000), "{}", Delay: TimeSpan.FromSeconds(3)));
        hub.Add(Failing, new(null, null, Status: 503));
        return hub;
    }
}

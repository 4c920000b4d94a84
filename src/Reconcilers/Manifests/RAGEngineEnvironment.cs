using k8s.Models;
using Kaito.Api.V1Beta1;

namespace Kaito.Reconcilers.Manifests;

/// <summary>
/// The RAG service's environment. Secrets are always secretKeyRef with the key named like the variable
/// (HF_TOKEN, EMBEDDING_ACCESS_SECRET, VECTOR_DB_ACCESS_SECRET, LLM_ACCESS_SECRET): never a value, never a name.
/// </summary>
public static class RAGEngineEnvironment
{
    public const string EmbeddingAccessSecretKey = "EMBEDDING_ACCESS_SECRET";
    public const string VectorDbAccessSecretKey = "VECTOR_DB_ACCESS_SECRET";
    public const string LlmAccessSecretKey = "LLM_ACCESS_SECRET";

    public static List<V1EnvVar> For(RAGEngine rag, RAGEngineSettings settings)
    {
        var spec = rag.Spec;
        var env = new List<V1EnvVar>
        {
            FieldRef("POD_NAME", "metadata.name"),
            FieldRef("POD_UID", "metadata.uid"),
            Value("EMBEDDING_TYPE", settings.EmbeddingType),
        };
        if (settings.ModelId is { } model) env.Add(Value("MODEL_ID", model));
        if (settings.ModelPath is { } path) env.Add(Value("MODEL_PATH", path));
        if (spec?.Embedding?.Local?.ModelAccessSecret is { Length: > 0 } hf) env.Add(InferenceManifests.HfToken(hf));
        if (settings.RemoteEmbeddingUrl is { } url) env.Add(Value("REMOTE_EMBEDDING_URL", url));
        if (spec?.Embedding?.Remote?.AccessSecret is { Length: > 0 } embeddingSecret) env.Add(SecretRef(EmbeddingAccessSecretKey, embeddingSecret));

        env.Add(Value("VECTOR_DB_TYPE", settings.VectorDbType));
        if (settings.VectorDbUrl is { } dbUrl) env.Add(Value("VECTOR_DB_URL", dbUrl));
        if (spec?.Storage?.VectorDB?.AccessSecret is { Length: > 0 } dbSecret) env.Add(SecretRef(VectorDbAccessSecretKey, dbSecret));
        env.Add(Value("DEFAULT_VECTOR_DB_PERSIST_DIR", settings.PersistDirectory));

        if (settings.InferenceUrl is { } inference) env.Add(Value("LLM_INFERENCE_URL", inference));
        if (settings.ContextWindowSize is { } window) env.Add(Value("LLM_CONTEXT_WINDOW", window.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        if (spec?.InferenceService?.AccessSecret is { Length: > 0 } llmSecret) env.Add(SecretRef(LlmAccessSecretKey, llmSecret));

        env.Add(Value("OUTPUT_GUARDRAILS_ENABLED", settings.GuardrailsEnabled ? "true" : "false"));
        if (settings.GuardrailsEnabled) env.Add(Value("OUTPUT_GUARDRAILS_POLICY_PATH", $"{RAGEngineManifests.GuardrailsPath}/{RAGEngineManifests.GuardrailsKey}"));
        env.Add(Value("RAGENGINE_CONFIG_PATH", $"{RAGEngineManifests.ConfigPath}/{RAGEngineManifests.ConfigKey}"));
        return env;
    }

    static V1EnvVar Value(string name, string value) => new() { Name = name, Value = value };

    static V1EnvVar FieldRef(string name, string path) => new()
    {
        Name = name,
        ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = path } },
    };

    static V1EnvVar SecretRef(string key, string secret) => new()
    {
        Name = key,
        ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = secret, Key = key } },
    };
}

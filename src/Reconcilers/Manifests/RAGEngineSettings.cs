using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Kaito.Api.V1Beta1;

namespace Kaito.Reconcilers.Manifests;

/// <summary>
/// The non-secret settings of a RAGEngine, normalised once (v1alpha1 storage fields folded in, defaults applied).
/// The same values feed the environment and the mounted config.json, so the two never disagree.
/// </summary>
public sealed record RAGEngineSettings
{
    public const string LocalEmbedding = "local";
    public const string RemoteEmbedding = "remote";
    public const string Faiss = "faiss";

    public required string EmbeddingType { get; init; }
    public string? ModelId { get; init; }
    public string? ModelPath { get; init; }
    public string? RemoteEmbeddingUrl { get; init; }
    public required string VectorDbType { get; init; }
    public string? VectorDbUrl { get; init; }
    public string? PersistentVolumeClaim { get; init; }
    public required string MountPath { get; init; }
    public required string PersistDirectory { get; init; }
    public string? InferenceUrl { get; init; }
    public int? ContextWindowSize { get; init; }
    public bool GuardrailsEnabled { get; init; }
    public string? GuardrailsConfigMap { get; init; }

    public static RAGEngineSettings From(RAGEngine rag)
    {
        var spec = rag.Spec;
        var embedding = spec?.Embedding;
        var storage = spec?.Storage;
        var claim = NonEmpty(storage?.PersistentVolume?.PersistentVolumeClaim) ?? NonEmpty(storage?.PersistentVolumeClaim);
        var mountPath = (NonEmpty(storage?.PersistentVolume?.MountPath) ?? NonEmpty(storage?.MountPath) ?? RAGEngineManifests.DefaultMountPath).TrimEnd('/');
        if (mountPath.Length == 0) mountPath = "/";
        var guardrails = spec?.Guardrails is { Enabled: true };
        return new RAGEngineSettings
        {
            EmbeddingType = embedding?.Remote is not null ? RemoteEmbedding : LocalEmbedding,
            ModelId = NonEmpty(embedding?.Local?.ModelId),
            ModelPath = NonEmpty(embedding?.Local?.Image) is null ? null : RAGEngineManifests.EmbeddingModelPath,
            RemoteEmbeddingUrl = NonEmpty(embedding?.Remote?.Url),
            VectorDbType = NonEmpty(storage?.VectorDB?.Engine)?.ToLowerInvariant() ?? Faiss,
            VectorDbUrl = NonEmpty(storage?.VectorDB?.Url),
            PersistentVolumeClaim = claim,
            MountPath = mountPath,
            PersistDirectory = $"{(mountPath == "/" ? "" : mountPath)}/{rag.Metadata.Name}",
            InferenceUrl = NonEmpty(spec?.InferenceService?.Url),
            ContextWindowSize = spec?.InferenceService?.ContextWindowSize,
            GuardrailsEnabled = guardrails,
            GuardrailsConfigMap = guardrails ? NonEmpty(spec!.Guardrails!.ConfigMapRef?.Name) : null,
        };
    }

    /// <summary>Indented JSON with a fixed key order (its hash decides whether the pods roll).</summary>
    public string ToJson()
    {
        var json = new JsonObject
        {
            ["embedding"] = Object(("type", EmbeddingType), ("modelID", ModelId), ("modelPath", ModelPath), ("url", RemoteEmbeddingUrl)),
            ["vectorStore"] = Object(("type", VectorDbType), ("url", VectorDbUrl), ("persistDirectory", PersistDirectory)),
            ["inference"] = Object(("url", InferenceUrl), ("contextWindowSize", ContextWindowSize?.ToString(CultureInfo.InvariantCulture))),
            ["guardrails"] = new JsonObject { ["enabled"] = GuardrailsEnabled },
        };
        if (GuardrailsEnabled) json["guardrails"]!["policyPath"] = $"{RAGEngineManifests.GuardrailsPath}/{RAGEngineManifests.GuardrailsKey}";
        return json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    static JsonObject Object(params (string Key, string? Value)[] pairs)
    {
        var obj = new JsonObject();
        foreach (var (key, value) in pairs)
        {
            if (value is null) continue;
            obj[key] = key == "contextWindowSize" ? JsonValue.Create(int.Parse(value, CultureInfo.InvariantCulture)) : JsonValue.Create(value);
        }
        return obj;
    }

    static string? NonEmpty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}

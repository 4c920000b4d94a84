using System.Text.Json;
using System.Text.Json.Nodes;

namespace Kaito.TestDoubles.GpuImage;

/// <summary>
/// The RAG service's surface (`python3 main.py` in KAITO's RAG image): the environment the operator renders is
/// checked at start, then /health, /index, /query and /indexes answer from an in-memory index. A query ranks documents
/// by the words they share with it and answers with the best one; the LLM at LLM_INFERENCE_URL is named, not called
/// (there is no cluster DNS locally, and the model servers have their own tests).
/// </summary>
public static class RagService
{
    public const string Script = "main.py";

    /// <summary>What the real service would fail on at start, from the environment the operator rendered.</summary>
    public static List<string> CheckEnvironment(Func<string, string?> env)
    {
        var problems = new List<string>();
        switch (env("EMBEDDING_TYPE"))
        {
            case "local":
                if (string.IsNullOrEmpty(env("MODEL_ID"))) problems.Add("EMBEDDING_TYPE=local needs MODEL_ID (the embedding model's Hugging Face id)");
                break;
            case "remote":
                if (string.IsNullOrEmpty(env("REMOTE_EMBEDDING_URL"))) problems.Add("EMBEDDING_TYPE=remote needs REMOTE_EMBEDDING_URL");
                break;
            case var other:
                problems.Add($"EMBEDDING_TYPE must be local or remote, got '{other}'");
                break;
        }
        if (string.IsNullOrEmpty(env("VECTOR_DB_TYPE"))) problems.Add("VECTOR_DB_TYPE is not set");
        if (env("RAGENGINE_CONFIG_PATH") is not { Length: > 0 } config) problems.Add("RAGENGINE_CONFIG_PATH is not set");
        else if (!File.Exists(config)) problems.Add($"RAGENGINE_CONFIG_PATH: {config} does not exist (is the ConfigMap mounted?)");
        else
        {
            try
            {
                using var _ = JsonDocument.Parse(File.ReadAllText(config));
            }
            catch (JsonException e)
            {
                problems.Add($"RAGENGINE_CONFIG_PATH: {config} is not JSON: {e.Message}");
            }
        }
        if (env("DEFAULT_VECTOR_DB_PERSIST_DIR") is { Length: > 0 } persist && !Directory.Exists(Path.GetDirectoryName(persist.TrimEnd('/')) ?? persist))
            problems.Add($"DEFAULT_VECTOR_DB_PERSIST_DIR: the volume for {persist} is not mounted");
        return problems;
    }

    public static void Map(WebApplication app)
    {
        var indexes = new Dictionary<string, List<JsonObject>>(StringComparer.Ordinal);
        var gate = new Lock();

        app.MapGet("/indexes", () =>
        {
            lock (gate) return HttpJson.Ok(new JsonArray([.. indexes.Keys.Order(StringComparer.Ordinal).Select(k => (JsonNode)JsonValue.Create(k))]));
        });

        app.MapPost("/index", async (HttpContext http) =>
        {
            var body = await HttpJson.ReadObjectAsync(http);
            if (body?["index_name"]?.GetValueKind() != JsonValueKind.String || body["documents"] is not JsonArray { Count: > 0 } documents)
                return Error(422, "index_name (a string) and documents (a non-empty array of {text, metadata}) are required");
            var stored = new JsonArray();
            lock (gate)
            {
                var index = indexes.TryGetValue(body["index_name"]!.GetValue<string>(), out var existing) ? existing : indexes[body["index_name"]!.GetValue<string>()] = [];
                foreach (var document in documents)
                {
                    if (document?["text"]?.GetValueKind() != JsonValueKind.String) return Error(422, "every document needs a text");
                    var text = document["text"]!.GetValue<string>();
                    var entry = new JsonObject
                    {
                        ["doc_id"] = $"doc-{index.Count + 1}", ["text"] = text, ["metadata"] = document["metadata"]?.DeepClone() ?? new JsonObject(),
                        ["hash_value"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)))[..16],
                        ["is_truncated"] = false,
                    };
                    index.Add(entry);
                    stored.Add((JsonNode)entry.DeepClone());
                }
            }
            return HttpJson.Ok(stored);
        });

        app.MapPost("/query", async (HttpContext http) =>
        {
            var body = await HttpJson.ReadObjectAsync(http);
            if (body?["index_name"]?.GetValueKind() != JsonValueKind.String || body["query"]?.GetValueKind() != JsonValueKind.String)
                return Error(422, "index_name and query (strings) are required");
            var query = body["query"]!.GetValue<string>();
            var topK = body["top_k"]?.GetValueKind() == JsonValueKind.Number ? body["top_k"]!.GetValue<int>() : 5;
            List<(JsonObject Doc, int Score)> ranked;
            lock (gate)
            {
                if (!indexes.TryGetValue(body["index_name"]!.GetValue<string>(), out var index)) return Error(404, $"No such index: '{body["index_name"]}' exists.");
                var words = Words(query);
                ranked = [.. index.Select(d => (d, Words(d["text"]!.GetValue<string>()).Intersect(words).Count())).OrderByDescending(r => r.Item2).Take(topK)];
            }
            var best = ranked.FirstOrDefault().Doc?["text"]?.GetValue<string>() ?? "";
            return HttpJson.Ok(new JsonObject
            {
                ["response"] = $"[rag test double] {best}",
                ["source_nodes"] = new JsonArray([.. ranked.Select(r => (JsonNode)new JsonObject
                {
                    ["doc_id"] = r.Doc["doc_id"]!.GetValue<string>(), ["node_id"] = r.Doc["doc_id"]!.GetValue<string>(),
                    ["text"] = r.Doc["text"]!.GetValue<string>(), ["score"] = r.Score, ["metadata"] = r.Doc["metadata"]!.DeepClone(),
                })]),
                ["metadata"] = new JsonObject { ["llm"] = Environment.GetEnvironmentVariable("LLM_INFERENCE_URL") },
            });
        });
    }

    static HashSet<string> Words(string text) =>
        [.. text.ToLowerInvariant().Split([' ', ',', '.', '?', '!', ';', ':'], StringSplitOptions.RemoveEmptyEntries)];

    static IResult Error(int status, string detail) => HttpJson.Status(status, new JsonObject { ["detail"] = detail });
}

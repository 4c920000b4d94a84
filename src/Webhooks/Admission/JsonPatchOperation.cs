using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Kaito.Webhooks.Admission;

/// <summary>One RFC 6902 operation.</summary>
public sealed record JsonPatchOperation(
    [property: JsonPropertyName("op")] string Op,
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("value")] JsonNode? Value)
{
    public static JsonPatchOperation Add(string path, JsonNode? value) => new("add", path, value);

    public static JsonPatchOperation Replace(string path, JsonNode? value) => new("replace", path, value);

    /// <summary>Escapes one JSON Pointer segment (~ → ~0, / → ~1).</summary>
    public static string Escape(string segment) => segment.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
}

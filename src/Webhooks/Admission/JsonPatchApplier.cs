using System.Text.Json.Nodes;

namespace Kaito.Webhooks.Admission;

/// <summary>Applies the add/replace operations the defaulters emit, as the API server would (offline validation, tests).</summary>
public static class JsonPatchApplier
{
    public static void Apply(JsonObject document, IEnumerable<JsonPatchOperation> operations)
    {
        foreach (var operation in operations)
        {
            var segments = operation.Path.Split('/').Skip(1)
                .Select(s => s.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToArray();
            JsonNode parent = document;
            foreach (var segment in segments[..^1])
                parent = (parent is JsonArray array ? array[int.Parse(segment, System.Globalization.CultureInfo.InvariantCulture)] : parent[segment])
                    ?? throw new InvalidOperationException($"patch path {operation.Path} does not exist");
            var last = segments[^1];
            var value = operation.Value?.DeepClone();
            switch (parent)
            {
                case JsonObject obj when operation.Op is "add" or "replace":
                    obj[last] = value;
                    break;
                case JsonArray array when operation.Op == "add":
                    if (last == "-") array.Add(value);
                    else array.Insert(int.Parse(last, System.Globalization.CultureInfo.InvariantCulture), value);
                    break;
                case JsonArray array when operation.Op == "replace":
                    array[int.Parse(last, System.Globalization.CultureInfo.InvariantCulture)] = value;
                    break;
                default:
                    throw new InvalidOperationException($"unsupported patch operation {operation.Op} at {operation.Path}");
            }
        }
    }
}

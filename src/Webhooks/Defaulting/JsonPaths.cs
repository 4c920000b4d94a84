using System.Text.Json;

namespace Kaito.Webhooks.Defaulting;

/// <summary>
/// Reads into an object as received, with the meaning the defaulters need: a property that is absent or JSON null is
/// null; stepping into anything that is not an object is a shape the schema rejects, so it throws and the object is
/// admitted unchanged (the validating webhook names the field).
/// </summary>
static class JsonPaths
{
    public static JsonElement? At(this JsonElement? parent, string name)
    {
        if (parent is not { } element) return null;
        if (element.ValueKind != JsonValueKind.Object)
            throw new InvalidOperationException($"expected an object holding \"{name}\", found a {element.ValueKind}");
        return element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;
    }

    public static JsonElement? At(this JsonElement parent, string name) => ((JsonElement?)parent).At(name);

    /// <summary>The value when it is an object, else null.</summary>
    public static JsonElement? AsObject(this JsonElement? element) => element is { ValueKind: JsonValueKind.Object } ? element : null;

    /// <summary>The value when it is a string, else null.</summary>
    public static string? AsString(this JsonElement? element) => element is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;
}

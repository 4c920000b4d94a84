using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Kaito.Presets;

static class EmbeddedData
{
    internal static T Read<T>(string fileName, JsonTypeInfo<T> typeInfo)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"Kaito.Presets.Data.{fileName}")
            ?? throw new InvalidOperationException($"embedded data file {fileName} is missing");
        return JsonSerializer.Deserialize(stream, typeInfo) ?? throw new InvalidOperationException($"{fileName} is empty");
    }
}

/// <summary>Compile-time serializers for the embedded catalogs: no reflection, so they load under Native AOT.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Dictionary<string, List<SkuCatalog.SkuRow>>))]
[JsonSerializable(typeof(ModelCatalog.ModelFile))]
sealed partial class PresetsJsonContext : JsonSerializerContext;

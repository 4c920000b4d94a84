using System.Reflection;
using System.Text.Json;

namespace Kaito.Presets;

static class EmbeddedData
{
    internal static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    internal static T Read<T>(string fileName)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"Kaito.Presets.Data.{fileName}")
            ?? throw new InvalidOperationException($"embedded data file {fileName} is missing");
        return JsonSerializer.Deserialize<T>(stream, Options) ?? throw new InvalidOperationException($"{fileName} is empty");
    }
}

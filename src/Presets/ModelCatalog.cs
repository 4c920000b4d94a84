namespace Kaito.Presets;

/// <summary>Every preset model, looked up by name or alias, case-insensitively.</summary>
public sealed class ModelCatalog
{
    readonly Dictionary<string, ModelPreset> byName;

    public ModelCatalog(IEnumerable<ModelPreset> models)
    {
        Models = [.. models];
        BaseImage = Models.Where(m => m.DownloadAtRuntime).GroupBy(m => (m.Image, m.Tag)).OrderByDescending(g => g.Count()).Select(g => g.Key)
            .FirstOrDefault(("mcr.microsoft.com/aks/kaito/kaito-base", "0.5.0"));
        byName = new Dictionary<string, ModelPreset>(StringComparer.OrdinalIgnoreCase);
        foreach (var model in Models)
        {
            foreach (var key in model.Aliases.Prepend(model.Name))
            {
                if (!byName.TryAdd(key, model)) throw new InvalidOperationException($"duplicate model name or alias {key}");
            }
        }
    }

    /// <summary>The catalog embedded in this assembly (Data/models.json).</summary>
    public static ModelCatalog Default { get; } = new(EmbeddedData.Read("models.json", PresetsJsonContext.Default.ModelFile).Models);

    public IReadOnlyList<ModelPreset> Models { get; }

    /// <summary>
    /// The image of the presets that download their weights at start (KAITO's base image); a Hub model outside the catalog
    /// runs on it too.
    /// </summary>
    public (string Image, string Tag) BaseImage { get; }

    readonly LastLookup<ModelPreset?> lastFind = new();

    public ModelPreset? Find(string name) =>
        lastFind.TryGet(name, null, out var model) ? model : lastFind.Remember(name, null, byName.GetValueOrDefault(name.Trim()));

    /// <summary>Known names closest to <paramref name="name"/>, for "did you mean" messages.</summary>
    public IReadOnlyList<string> Closest(string name, int count = 3) =>
        NameSuggestions.Closest(name, Models.Select(m => m.Name), count);

    internal sealed record ModelFile(List<ModelPreset> Models);
}

namespace Kaito.Presets;

/// <summary>GPU VM sizes per cloud (azure, aws, arc), looked up case-insensitively.</summary>
public sealed class SkuCatalog
{
    readonly Dictionary<string, IReadOnlyList<GpuSku>> byCloud;
    // Admission looks a SKU up on every review: a hash lookup, not a scan of the cloud's list.
    readonly Dictionary<string, Dictionary<string, GpuSku>> byCloudAndName;

    public SkuCatalog(IReadOnlyDictionary<string, IReadOnlyList<GpuSku>> skus)
    {
        byCloud = new Dictionary<string, IReadOnlyList<GpuSku>>(skus, StringComparer.OrdinalIgnoreCase);
        byCloudAndName = new Dictionary<string, Dictionary<string, GpuSku>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (cloud, list) in byCloud)
        {
            var byName = byCloudAndName[cloud] = new Dictionary<string, GpuSku>(StringComparer.OrdinalIgnoreCase);
            foreach (var sku in list) byName.TryAdd(sku.Name, sku);   // the first of a repeated name wins, as the scan did
        }
    }

    public static SkuCatalog Default { get; } = Load();

    public IReadOnlyList<string> Clouds => [.. byCloud.Keys];

    readonly LastLookup<IReadOnlyList<GpuSku>?> lastCloud = new();
    readonly LastLookup<GpuSku?> lastFind = new();

    public bool HasCloud(string cloud) => Listed(cloud) is not null;

    public IReadOnlyList<GpuSku> For(string cloud) =>
        Listed(cloud) ?? throw new ArgumentException($"unknown cloud \"{cloud}\"; supported: {string.Join(", ", Clouds)}", nameof(cloud));

    IReadOnlyList<GpuSku>? Listed(string cloud) =>
        lastCloud.TryGet(cloud, null, out var skus) ? skus
        : byCloud.TryGetValue(cloud, out skus) ? lastCloud.Remember(cloud, null, skus)
        : null;

    /// <summary>The SKU, or null when this cloud does not list it: never a silent guess.</summary>
    public GpuSku? Find(string cloud, string name)
    {
        if (lastFind.TryGet(cloud, name, out var sku)) return sku;
        return lastFind.Remember(cloud, name, byCloudAndName.TryGetValue(cloud, out var byName)
            ? byName.GetValueOrDefault(name.Trim())
            : throw new ArgumentException($"unknown cloud \"{cloud}\"; supported: {string.Join(", ", Clouds)}", nameof(cloud)));
    }

    /// <summary>The SKU of that name in whichever cloud sells it (SKU names do not collide across clouds), or null.</summary>
    public GpuSku? FindInAnyCloud(string name) => Clouds.Select(c => Find(c, name)).FirstOrDefault(s => s is not null);

    public IReadOnlyList<string> Closest(string cloud, string name, int count = 3) =>
        NameSuggestions.Closest(name, For(cloud).Select(s => s.Name), count);

    static SkuCatalog Load()
    {
        var file = EmbeddedData.Read("skus.json", PresetsJsonContext.Default.DictionaryStringListSkuRow);
        return new SkuCatalog(file.ToDictionary(
            kv => kv.Key,
            kv => (IReadOnlyList<GpuSku>)[.. kv.Value.Select(r => new GpuSku(
                r.Name, kv.Key, r.GpuCount, r.TotalGpuMemoryGiB, r.GpuModel, r.ComputeCapability, r.Nvme, r.ApproxHourlyUsd))]));
    }

    internal sealed record SkuRow(string Name, int GpuCount, double TotalGpuMemoryGiB, string GpuModel, double ComputeCapability, bool Nvme, double? ApproxHourlyUsd);
}

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

    // The last answers of For and Find, by the identity of their arguments: one admission review asks for its cloud and
    // SKU several times, with the same string instances from review to review (the operator's setting; the reader holds
    // the catalog's names), so most lookups compare references instead of hashing case-insensitively. Immutable records
    // swapped whole: safe across threads.
    sealed record LastCloud(string Cloud, IReadOnlyList<GpuSku> Skus);

    sealed record LastFind(string Cloud, string Name, GpuSku? Sku);

    LastCloud? lastCloud;
    LastFind? lastFind;

    public bool HasCloud(string cloud) => Listed(cloud) is not null;

    public IReadOnlyList<GpuSku> For(string cloud) =>
        Listed(cloud) ?? throw new ArgumentException($"unknown cloud \"{cloud}\"; supported: {string.Join(", ", Clouds)}", nameof(cloud));

    IReadOnlyList<GpuSku>? Listed(string cloud)
    {
        if (lastCloud is { } last && ReferenceEquals(last.Cloud, cloud)) return last.Skus;
        if (!byCloud.TryGetValue(cloud, out var skus)) return null;
        lastCloud = new LastCloud(cloud, skus);
        return skus;
    }

    /// <summary>The SKU, or null when this cloud does not list it: never a silent guess.</summary>
    public GpuSku? Find(string cloud, string name)
    {
        if (lastFind is { } last && ReferenceEquals(last.Cloud, cloud) && ReferenceEquals(last.Name, name)) return last.Sku;
        var sku = byCloudAndName.TryGetValue(cloud, out var byName)
            ? byName.GetValueOrDefault(name.Trim())
            : throw new ArgumentException($"unknown cloud \"{cloud}\"; supported: {string.Join(", ", Clouds)}", nameof(cloud));
        lastFind = new LastFind(cloud, name, sku);
        return sku;
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

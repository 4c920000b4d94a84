using System.Text.RegularExpressions;

namespace Kaito.Presets;

/// <summary>What an instance type name is to a cloud.</summary>
public enum InstanceTypeKind
{
    /// <summary>A SKU of the catalog: its GPUs are known.</summary>
    Listed,

    /// <summary>Named like a GPU size of that cloud but not in the catalog (a size released after it, say): its GPUs are read from the node.</summary>
    UnlistedGpu,

    /// <summary>Not a GPU size of that cloud (a CPU size, a typo that breaks the naming scheme, another cloud's name).</summary>
    NotGpu,
}

/// <summary>
/// Sorts instance type names into catalog SKUs, GPU sizes the catalog does not list yet, and names that are clearly no
/// GPU size, by each cloud's naming scheme (docs/gpu-skus.md says which rule decides, per cloud).
/// </summary>
public static partial class InstanceTypes
{
    public static InstanceTypeKind Classify(string cloud, string name, out GpuSku? sku)
    {
        sku = SkuCatalog.Default.HasCloud(cloud) ? SkuCatalog.Default.Find(cloud, name) : null;
        if (sku is not null) return InstanceTypeKind.Listed;
        return LooksLikeGpuSize(cloud, name.Trim()) ? InstanceTypeKind.UnlistedGpu : InstanceTypeKind.NotGpu;
    }

    public static InstanceTypeKind Classify(string cloud, string name) => Classify(cloud, name, out _);

    /// <summary>
    /// The listed SKU an unlisted Azure-style name is one edit away from (Standard_NC24ads_A100_v4 for
    /// Standard_NC24ads_A100_v5): most likely a typo, so admission asks the user to correct it or declare the size's GPUs.
    /// Not on AWS, where one letter makes another real family (g6 and g6e, p5 and p5e) and the size grammar catches typos.
    /// </summary>
    public static string? LikelyTypoOf(string cloud, string name) =>
        cloud.ToLowerInvariant() is "azure" or "arc" && SkuCatalog.Default.HasCloud(cloud)
            ? NameSuggestions.OneEditAway(name, SkuCatalog.Default.For(cloud).Select(s => s.Name))
            : null;

    /// <summary>The naming rule for <paramref name="cloud"/>'s NVIDIA GPU sizes, as messages and docs state it.</summary>
    public static string GpuSizeRule(string cloud) => cloud.ToLowerInvariant() switch
    {
        "azure" or "arc" => "an NVIDIA GPU size is Standard_N followed by the family (C, CC, D or V), the vCPU count and optional feature letters and suffixes, e.g. Standard_ND96asr_v4",
        "aws" => "an NVIDIA GPU size is a p or g family (p4d, p5e, g6e, gr6, ...; not the AMD g4ad) with a size, e.g. g6e.12xlarge or p5.48xlarge",
        _ => $"cloud \"{cloud}\" has no GPU naming rule",
    };

    static bool LooksLikeGpuSize(string cloud, string name) => cloud.ToLowerInvariant() switch
    {
        "azure" or "arc" => AzureGpuSize().IsMatch(name),
        "aws" => AwsGpuSize().IsMatch(name) && !AwsAmdFamily().IsMatch(name),
        _ => false,
    };

    // Standard_NC6, Standard_ND96asr_v4, Standard_NC24ads_A100_v4, Standard_NCC40ads_H100_v5, Standard_NV36ads_A10_v5.
    // NG (AMD Radeon) and NP (FPGA) are not NVIDIA GPU families.
    [GeneratedRegex(@"^Standard_N(C|CC|D|V)\d+[a-z]*(_[a-z0-9]+)*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AzureGpuSize();

    // p3.2xlarge, p4d.24xlarge, p5en.48xlarge, p6-b200.48xlarge, g4dn.xlarge, g6e.12xlarge, gr6.4xlarge, g5g.metal.
    [GeneratedRegex(@"^(p|g|gr)\d+[a-z]*(-[a-z0-9]+)?\.(\d*xlarge|large|metal(-\d+xl)?)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AwsGpuSize();

    [GeneratedRegex(@"^g4ad\.", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AwsAmdFamily();
}

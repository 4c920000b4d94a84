using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Kaito.Reconcilers.Manifests;

/// <summary>Turns user-chosen names (DNS subdomains) into DNS-1123 labels for container and volume names.</summary>
public static class DnsNames
{
    public const int MaxLabelLength = 63;

    /// <summary>
    /// A valid DNS label from <paramref name="name"/>: lower-cased, characters other than [a-z0-9-] become '-',
    /// trimmed of leading/trailing '-'. A name that is already valid is returned unchanged; a too-long one is cut
    /// and suffixed with a hash of the original so two long names stay distinct.
    /// </summary>
    public static string Label(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var c in name.ToLowerInvariant())
            builder.Append(c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' ? c : '-');
        var label = builder.ToString().Trim('-');
        if (label.Length == 0) label = "x";
        if (label.Length <= MaxLabelLength) return label;
        var hash = HexHash(name, 10);
        return $"{label[..(MaxLabelLength - hash.Length - 1)].TrimEnd('-')}-{hash}";
    }

    /// <summary>The first <paramref name="length"/> lower-case hex characters of SHA-256 over the UTF-8 text.</summary>
    public static string HexHash(string text, int length)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(text));
        var hex = new StringBuilder(digest.Length * 2);
        foreach (var b in digest) hex.Append(b.ToString("x2", CultureInfo.InvariantCulture));
        return hex.ToString(0, length);
    }
}

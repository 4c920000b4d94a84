using System.Net;
using System.Net.Sockets;

namespace Kaito.Webhooks.Validation;

/// <summary>URL checks: plain http(s) endpoints, and download URLs that must not reach into the cluster or cloud metadata.</summary>
public static class UrlRules
{
    static readonly string[] BlockedHosts = ["localhost", "metadata.google.internal", "metadata.google", "instance-data.ec2.internal"];

    /// <summary>Null when <paramref name="url"/> is an absolute http or https URL with a host.</summary>
    public static string? HttpProblem(string? url)
    {
        if (string.IsNullOrWhiteSpace(url)) return "URL is empty; write an absolute http:// or https:// URL";
        if (url.Any(char.IsWhiteSpace)) return "URL contains whitespace; percent-encode or remove it";
        if (!url.Contains("://", StringComparison.Ordinal) || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
            return "not an absolute URL; write it as http://host/path or https://host/path";
        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            return $"scheme \"{uri.Scheme}\" is not allowed; use http or https";
        if (string.IsNullOrEmpty(uri.Host)) return "URL has no host; write http://host/path or https://host/path";
        return null;
    }

    /// <summary>
    /// Null when <paramref name="url"/> may be downloaded by a workload: http(s), and neither a local or metadata
    /// host nor a literal loopback, private, link-local, multicast or unspecified address.
    /// </summary>
    public static string? DownloadProblem(string? url)
    {
        if (HttpProblem(url) is { } problem) return problem;
        var uri = new Uri(url!, UriKind.Absolute);
        var host = uri.DnsSafeHost.TrimEnd('.').ToLowerInvariant();
        if (host.Length == 0) return "URL has no host; write http://host/path or https://host/path";
        if (BlockedHosts.Contains(host, StringComparer.Ordinal) || host.EndsWith(".localhost", StringComparison.Ordinal))
            return $"host \"{host}\" is local or a cloud metadata endpoint; use a public URL or a volumeSource";
        if (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IsInternal(address))
            return $"address {address} is loopback, private, link-local, multicast or unspecified; use a public URL or a volumeSource";
        return null;
    }

    /// <summary>Addresses a download must not target.</summary>
    public static bool IsInternal(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return b[0] == 0                                  // 0.0.0.0/8, "this network" (includes unspecified)
                || b[0] == 10                                 // 10/8
                || b[0] == 127                                // loopback
                || (b[0] == 172 && (b[1] & 0xF0) == 16)       // 172.16/12
                || (b[0] == 192 && b[1] == 168)               // 192.168/16
                || (b[0] == 169 && b[1] == 254)               // link-local, cloud metadata
                || b[0] >= 224;                               // multicast, reserved, broadcast
        }
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var b = address.GetAddressBytes();
            return address.Equals(IPAddress.IPv6Any)
                || IPAddress.IsLoopback(address)
                || (b[0] & 0xFE) == 0xFC                      // fc00::/7 unique local
                || address.IsIPv6LinkLocal                    // fe80::/10
                || address.IsIPv6SiteLocal
                || address.IsIPv6Multicast;
        }
        return true;
    }
}

using System.Net;
using System.Net.Sockets;

namespace Kaito.Webhooks.Validation;

/// <summary>URL checks: plain http(s) endpoints, and download URLs that must not reach into the cluster or cloud metadata.</summary>
public static class UrlRules
{
    const string UsePublic = "use a public URL, or mount the data as a volumeSource";

    /// <summary>How messages name what <see cref="IsInternal"/> refuses.</summary>
    public const string InternalWords = "loopback, private, link-local or otherwise internal";

    /// <summary>Names that resolve to the machine itself or to a cloud's instance metadata service.</summary>
    static readonly HashSet<string> BlockedHosts = new(StringComparer.Ordinal)
    {
        "localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback",
        "metadata", "metadata.google", "metadata.google.internal", "metadata.azure.internal", "metadata.azure.com",
        "instance-data", "instance-data.ec2.internal", "metadata.ec2.internal",
    };

    /// <summary>Suffixes of names that only resolve inside a cluster, a cloud network or the host (and public wildcard names that resolve to loopback).</summary>
    static readonly string[] BlockedSuffixes =
    [
        ".localhost", ".local", ".internal", ".svc", ".cluster.local", ".home.arpa",
        ".localtest.me", ".lvh.me", ".vcap.me",
    ];

    /// <summary>Public DNS services that answer with the address written in the name (127.0.0.1.nip.io, 127-0-0-1.sslip.io).</summary>
    static readonly string[] AddressEchoDomains = [".nip.io", ".sslip.io", ".xip.io", ".traefik.me", ".local.gd"];

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
    /// host nor a literal internal address (<see cref="IsInternal"/>) outside the networks <paramref name="allowed"/> accepts.
    /// </summary>
    public static string? DownloadProblem(string? url, Func<IPAddress, bool>? allowed = null)
    {
        if (HttpProblem(url) is { } problem) return problem;
        var uri = new Uri(url!, UriKind.Absolute);
        var host = uri.DnsSafeHost.TrimEnd('.').ToLowerInvariant();
        if (host.Length == 0) return "URL has no host; write http://host/path or https://host/path";
        if (IPAddress.TryParse(host.Trim('[', ']'), out var address))
            return IsInternal(address) && allowed?.Invoke(address) != true ? $"address {address} is {InternalWords}; {UsePublic}" : null;
        return HostProblem(host);
    }

    /// <summary>Why a host name means "inside" (the cluster, the node, the cloud's metadata service), else null.</summary>
    public static string? HostProblem(string host)
    {
        if (BlockedHosts.Contains(host) || host.StartsWith("metadata.", StringComparison.Ordinal) && host.EndsWith(".internal", StringComparison.Ordinal))
            return $"host \"{host}\" is the local machine or a cloud metadata endpoint; {UsePublic}";
        if (!host.Contains('.', StringComparison.Ordinal))
            return $"host \"{host}\" is a single-label name, which resolves through the cluster's search domains (a Service, a node); {UsePublic}";
        if (host.EndsWith(".svc", StringComparison.Ordinal) || host.Contains(".svc.", StringComparison.Ordinal))
            return $"host \"{host}\" is a Kubernetes Service name inside the cluster; {UsePublic}";
        if (BlockedSuffixes.FirstOrDefault(suffix => host.EndsWith(suffix, StringComparison.Ordinal)) is { } blocked)
            return $"host \"{host}\" is under \"{blocked[1..]}\", which resolves only inside a cluster, a cloud network or the node; {UsePublic}";
        if (EmbeddedAddress(host) is { } embedded && IsInternal(embedded))
            return $"host \"{host}\" resolves to the address written in it, {embedded}, which is loopback, private or link-local; {UsePublic}";
        return null;
    }

    /// <summary>The IPv4 address an address-echo DNS name carries ("127.0.0.1.nip.io", "app-127-0-0-1.sslip.io", "7f000001.nip.io").</summary>
    static IPAddress? EmbeddedAddress(string host)
    {
        var domain = AddressEchoDomains.FirstOrDefault(d => host.EndsWith(d, StringComparison.Ordinal));
        if (domain is null) return null;
        var name = host[..^domain.Length];
        var labels = name.Split('.');
        for (var i = 0; i + 4 <= labels.Length; i++)
        {
            if (IPAddress.TryParse(string.Join('.', labels[i..(i + 4)]), out var dotted) && labels[i..(i + 4)].All(l => l.All(char.IsAsciiDigit))) return dotted;
        }
        foreach (var label in labels)
        {
            var parts = label.Split('-');
            for (var i = 0; i + 4 <= parts.Length; i++)
            {
                if (parts[i..(i + 4)].All(p => p.Length is > 0 and <= 3 && p.All(char.IsAsciiDigit)) && IPAddress.TryParse(string.Join('.', parts[i..(i + 4)]), out var dashed))
                    return dashed;
            }
            var last = parts[^1];
            if (last.Length == 8 && last.All(char.IsAsciiHexDigit))
                return new IPAddress(Convert.FromHexString(last));
        }
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
                || (b[0] == 100 && (b[1] & 0xC0) == 64)       // 100.64/10, shared address space (some CNIs' pod networks)
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

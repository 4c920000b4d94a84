using System.Net;
using System.Net.Sockets;
using Kaito.Webhooks.Validation;

namespace Kaito.Operator.Fetch;

/// <summary>How <see cref="GuardedDownloader"/> retries, resolves names and which internal networks it may reach anyway.</summary>
public sealed record DownloadSettings
{
    public IReadOnlyList<IPNetwork> AllowedNetworks { get; init; } = [];
    public int Retries { get; init; } = 3;
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);
    public int MaxRedirects { get; init; } = 10;
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);
    public long ProgressEvery { get; init; } = 64L * 1024 * 1024;
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Name resolution: the system resolver (the pod's DNS), replaceable in tests.</summary>
    public Func<string, CancellationToken, Task<IPAddress[]>> Resolve { get; init; } =
        (host, ct) => Dns.GetHostAddressesAsync(host, AddressFamily.Unspecified, ct);

    /// <summary>An internal address (as admission defines it) outside every allowed network.</summary>
    public bool Refuses(IPAddress address) => UrlRules.IsInternal(address) && !Allows(address);

    public bool Allows(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        return AllowedNetworks.Any(n => n.Contains(address));
    }
}

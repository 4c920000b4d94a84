namespace Kaito.Reconcilers.Manifests;

/// <summary>
/// The images a tuning Job runs besides the trainer (overridable for private and air-gapped registries), and the
/// registries the adapter pusher may reach over plain HTTP or without verifying their certificate.
/// </summary>
/// <param name="Downloader">The operator's own image (or a mirror of it): its <c>fetch</c> command downloads tuning.input.urls,
/// resolving each name, refusing internal addresses and checking every redirect (src/Operator/Fetch).</param>
/// <param name="Pusher">Runs `crane` from /busybox/sh (crane's debug image layout): pushes the adapter image.</param>
/// <param name="AdapterBase">The base the adapter layer is appended to; it must carry /bin/sh, mkdir and cp, which the
/// inference adapter init container runs.</param>
/// <param name="InsecureRegistries">Registry hosts (host or host:port) the pusher reaches with `crane --insecure`.</param>
/// <param name="DownloadAllowedNetworks">Internal networks (CIDR) the downloader may reach anyway, such as a private storage endpoint.</param>
public sealed record TuningImages(
    string Downloader = TuningImages.DefaultDownloader,
    string Pusher = TuningImages.DefaultPusher,
    string AdapterBase = TuningImages.DefaultAdapterBase,
    IReadOnlyList<string>? InsecureRegistries = null,
    IReadOnlyList<string>? DownloadAllowedNetworks = null)
{
    /// <summary>The released operator image; the chart passes the image it installs.</summary>
    public const string DefaultDownloader = "ghcr.io/kaito-dotnet/kaito-operator:0.1.0";

    /// <summary>Where the operator's executable is in its image (Dockerfile).</summary>
    public const string DownloaderExecutable = "/app/kaito-operator";
    public const string DefaultPusher = "gcr.io/go-containerregistry/crane:debug";
    public const string DefaultAdapterBase = "busybox:1.36";

    public static readonly TuningImages Default = new();

    /// <summary>True when pushing <paramref name="target"/> on top of <see cref="AdapterBase"/> touches a listed insecure registry.</summary>
    public bool NeedsInsecure(string target) =>
        InsecureRegistries is { Count: > 0 } hosts &&
        (hosts.Contains(RegistryHost(target), StringComparer.OrdinalIgnoreCase) || hosts.Contains(RegistryHost(AdapterBase), StringComparer.OrdinalIgnoreCase));

    /// <summary>The registry host of an image reference, as Docker resolves it: the first path component when it has a
    /// dot or a port or is localhost, else docker.io.</summary>
    public static string RegistryHost(string image)
    {
        var slash = image.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0) return "docker.io";
        var first = image[..slash];
        return first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) || first == "localhost" ? first : "docker.io";
    }
}

namespace Kaito.Webhooks.Certificates;

/// <summary>
/// Certificates mounted as files (cert-manager: tls.crt, tls.key, ca.crt). Polled; a renewed pair is
/// picked up on the next check without a restart. A half-written pair is ignored until it parses.
/// </summary>
public sealed class FileCertificateSource(string directory)
{
    DateTime lastWrite;

    public string Directory { get; } = directory;

    /// <summary>The bundle when the files changed since the last call and parse; null otherwise.</summary>
    public CertificateBundle? ReadIfChanged()
    {
        var paths = new[] { CertificateBundle.CaKey, CertificateBundle.CertificateKey, CertificateBundle.PrivateKeyKey }
            .Select(f => Path.Combine(Directory, f)).ToArray();
        if (!paths.All(File.Exists)) return null;
        var newest = paths.Max(File.GetLastWriteTimeUtc);
        if (newest == lastWrite) return null;
        var bundle = CertificateBundle.TryParse(File.ReadAllText(paths[0]), File.ReadAllText(paths[1]), File.ReadAllText(paths[2]));
        if (bundle is not null) lastWrite = newest;
        return bundle;
    }
}

namespace Kaito.Webhooks.Certificates;

/// <summary>
/// Certificates mounted as files (cert-manager: tls.crt, tls.key, ca.crt). Polled by content, not by time stamp (the
/// kubelet swaps a Secret volume's files through a symlink, and the links themselves never change): a renewed pair is
/// picked up on the next check without a restart. A half-written or mismatched pair is ignored until it parses.
/// </summary>
public sealed class FileCertificateSource(string directory)
{
    string? last;

    public string Directory { get; } = directory;

    /// <summary>The bundle when the files changed since the last bundle returned and parse; null otherwise.</summary>
    public CertificateBundle? ReadIfChanged()
    {
        var paths = new[] { CertificateBundle.CaKey, CertificateBundle.CertificateKey, CertificateBundle.PrivateKeyKey }
            .Select(f => Path.Combine(Directory, f)).ToArray();
        string[] texts;
        try
        {
            texts = [.. paths.Select(File.ReadAllText)];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        var content = string.Join('\0', texts);
        if (content == last) return null;
        var bundle = CertificateBundle.TryParse(texts[0], texts[1], texts[2]);
        if (bundle is not null) last = content;
        return bundle;
    }
}

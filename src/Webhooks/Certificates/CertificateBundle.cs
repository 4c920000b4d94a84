using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Kaito.Webhooks.Certificates;

/// <summary>A CA and the serving certificate it signed, as PEM.</summary>
public sealed record CertificateBundle(string CaPem, string CertificatePem, string KeyPem)
{
    public const string CaKey = "ca.crt";
    public const string CertificateKey = "tls.crt";
    public const string PrivateKeyKey = "tls.key";

    public X509Certificate2 ToServerCertificate() => X509Certificate2.CreateFromPem(CertificatePem, KeyPem);

    public DateTimeOffset NotAfter
    {
        get
        {
            using var certificate = X509Certificate2.CreateFromPem(CertificatePem);
            return certificate.NotAfter.ToUniversalTime();
        }
    }

    /// <summary>The bundle when the three parts parse and belong together; null otherwise.</summary>
    public static CertificateBundle? TryParse(string? caPem, string? certificatePem, string? keyPem)
    {
        if (string.IsNullOrWhiteSpace(caPem) || string.IsNullOrWhiteSpace(certificatePem) || string.IsNullOrWhiteSpace(keyPem)) return null;
        try
        {
            var bundle = new CertificateBundle(caPem, certificatePem, keyPem);
            using var server = bundle.ToServerCertificate();
            using var ca = X509Certificate2.CreateFromPem(caPem);
            return server.Issuer == ca.Subject ? bundle : null;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}

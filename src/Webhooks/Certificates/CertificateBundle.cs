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
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid;   // expiry is handled by rotation
            return chain.Build(server) ? bundle : null;
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            return null;
        }
    }
}

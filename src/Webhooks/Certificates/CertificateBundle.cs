using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Kaito.Webhooks.Certificates;

/// <summary>
/// The serving certificate and key, as PEM, with <paramref name="CaPem"/>: the CA certificates API servers are told to trust
/// (the caBundle). During a CA change that is the new CA and the previous one, so certificates of either verify.
/// </summary>
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

    /// <summary>The serving certificate's serial number (hex), as logs name it.</summary>
    public string Serial
    {
        get
        {
            using var certificate = X509Certificate2.CreateFromPem(CertificatePem);
            return certificate.SerialNumber;
        }
    }

    /// <summary>The bundle when the three parts parse and the certificate chains to one of the CAs; null otherwise.</summary>
    public static CertificateBundle? TryParse(string? caPem, string? certificatePem, string? keyPem)
    {
        if (string.IsNullOrWhiteSpace(caPem) || string.IsNullOrWhiteSpace(certificatePem) || string.IsNullOrWhiteSpace(keyPem)) return null;
        try
        {
            var bundle = new CertificateBundle(caPem, certificatePem, keyPem);
            using var server = bundle.ToServerCertificate();
            return ChainsTo(server, caPem) ? bundle : null;
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Whether <paramref name="certificate"/> was signed by one of the CAs in <paramref name="caPem"/> (expiry aside: rotation handles it).</summary>
    public static bool ChainsTo(X509Certificate2 certificate, string caPem)
    {
        var cas = new X509Certificate2Collection();
        cas.ImportFromPem(caPem);
        if (cas.Count == 0) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(cas);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid;
        var built = chain.Build(certificate);
        foreach (var ca in cas) ca.Dispose();
        return built;
    }
}

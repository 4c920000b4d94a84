using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Kaito.Webhooks.Certificates;

/// <summary>A CA certificate and its private key, as PEM: what signs self-managed serving certificates.</summary>
public sealed record CaKeyPair(string CertificatePem, string KeyPem);

/// <summary>Creates self-signed ECDSA P-256 CAs and the serving certificates they sign for the webhook's names.</summary>
public static class CertificateAuthority
{
    static readonly TimeSpan Backdate = TimeSpan.FromMinutes(5);   // clocks of API servers a little behind ours still accept it

    public static CaKeyPair CreateCa(TimeSpan validity, TimeProvider? time = null)
    {
        var now = (time ?? TimeProvider.System).GetUtcNow();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        // A name of its own: during a CA change two CAs are trusted side by side, and chains are built by name first.
        var request = new CertificateRequest($"CN=kaito-webhook-ca-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}, O=kaito.sh", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using var ca = request.CreateSelfSigned(now - Backdate, now + validity);
        return new CaKeyPair(ca.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>A serving certificate for the names and addresses, signed by <paramref name="ca"/>; it never outlives the CA.</summary>
    public static (string CertificatePem, string KeyPem) Issue(
        CaKeyPair ca, IEnumerable<string> dnsNames, IEnumerable<IPAddress> addresses, TimeSpan validity, TimeProvider? time = null)
    {
        var now = (time ?? TimeProvider.System).GetUtcNow();
        using var issuer = X509Certificate2.CreateFromPem(ca.CertificatePem, ca.KeyPem);
        var names = dnsNames.ToList();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={names.FirstOrDefault() ?? "kaito-webhook"}, O=kaito.sh", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in names) san.AddDnsName(name);
        foreach (var address in addresses) san.AddIpAddress(address);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        var notAfter = Min(now + validity, new DateTimeOffset(issuer.NotAfter.ToUniversalTime()));
        using var server = request.Create(issuer, now - Backdate, notAfter, serial);
        return (server.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>A new CA and a serving certificate from it, the CA's key dropped (local runs, benchmarks, tests).</summary>
    public static CertificateBundle Generate(IEnumerable<string> dnsNames, IEnumerable<IPAddress> addresses, TimeSpan validity, TimeProvider? time = null)
    {
        var ca = CreateCa(validity + TimeSpan.FromDays(1), time);
        var (certificate, key) = Issue(ca, dnsNames, addresses, validity, time);
        return new CertificateBundle(ca.CertificatePem, certificate, key);
    }

    static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}

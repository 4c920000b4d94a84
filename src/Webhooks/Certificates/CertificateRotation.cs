using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Kaito.Webhooks.Certificates;

/// <summary>What a self-managed certificate Secret holds: the trusted CAs (signing CA first), the signing CA's key, the serving pair.</summary>
public sealed record StoredCertificates(string? TrustPem, string? CaKeyPem, string? CertificatePem, string? KeyPem);

/// <summary>The Secret's next content and the bundle to serve; <paramref name="Change"/> says what changed (null: write nothing).</summary>
public sealed record RotationStep(StoredCertificates Stored, CertificateBundle Bundle, string? Change);

/// <summary>
/// Decides how self-managed certificates move on without an admission failing. The CA lives long and stays put while
/// serving certificates are renewed from it, so the caBundle API servers hold does not change and every replica's
/// certificate verifies, old or new. When the CA itself must change (it nears its end, its key is missing or unusable),
/// the new CA joins the trusted CAs next to the old one, and the current serving certificate, if still good, is kept for
/// this step: one from the new CA is issued only on a later step, after the trust was published (the caller writes the
/// caBundle before it serves what this returns).
/// </summary>
public sealed class CertificateRotation(IReadOnlyList<string> dnsNames, IReadOnlyList<IPAddress> addresses, TimeProvider? time = null)
{
    public static readonly TimeSpan LeafValidity = TimeSpan.FromDays(90);
    public static readonly TimeSpan LeafRenewBefore = TimeSpan.FromDays(30);
    public static readonly TimeSpan CaValidity = TimeSpan.FromDays(5 * 365);
    public static readonly TimeSpan CaRenewBefore = TimeSpan.FromDays(365);

    /// <summary>A serving certificate from the old CA is kept through a CA change only while it has at least this long left.</summary>
    public static readonly TimeSpan KeepThroughCaChange = TimeSpan.FromHours(1);

    readonly TimeProvider clock = time ?? TimeProvider.System;

    public RotationStep Next(StoredCertificates stored)
    {
        var now = clock.GetUtcNow();
        var all = ReadCertificates(stored.TrustPem);
        var trusted = all.Where(c => c.NotAfter > now).ToList();
        var changes = new List<string>();
        if (trusted.Count < all.Count) changes.Add("dropped expired CAs from the trusted ones");

        var signer = trusted.Count > 0 && stored.CaKeyPem is { } caKey && Matches(trusted[0], caKey) && trusted[0].NotAfter - now > CaRenewBefore
            ? new CaKeyPair(trusted[0].Pem, caKey)
            : null;
        var leaf = Leaf(stored, trusted);
        if (signer is null)
        {
            signer = CertificateAuthority.CreateCa(CaValidity, clock);
            changes.Add(trusted.Count == 0 ? "created a CA" : "created a new CA; the previous one stays trusted until it expires");
            trusted = [new TrustedCa(signer.CertificatePem, now + CaValidity), .. trusted.Take(1)];
            if (leaf is not null && leaf.NotAfter - now > KeepThroughCaChange) leaf = leaf with { Renew = false };
        }
        string certificatePem, keyPem;
        if (leaf is { Renew: false })
        {
            (certificatePem, keyPem) = (stored.CertificatePem!, stored.KeyPem!);
        }
        else
        {
            (certificatePem, keyPem) = CertificateAuthority.Issue(signer, dnsNames, addresses, LeafValidity, clock);
            changes.Add(leaf is null ? "issued a serving certificate" : $"renewed the serving certificate ({leaf.Why})");
        }
        if (changes.Count == 0) return new RotationStep(stored, new CertificateBundle(stored.TrustPem!, certificatePem, keyPem), null);
        var trustPem = Concat(trusted);
        var next = new StoredCertificates(trustPem, signer.KeyPem, certificatePem, keyPem);
        return new RotationStep(next, new CertificateBundle(trustPem, certificatePem, keyPem), changes.Count == 0 ? null : string.Join("; ", changes));
    }

    /// <summary>The stored serving certificate when it is usable at all; <see cref="LeafState.Renew"/> when it should be replaced.</summary>
    LeafState? Leaf(StoredCertificates stored, List<TrustedCa> trusted)
    {
        if (trusted.Count == 0 || CertificateBundle.TryParse(Concat(trusted), stored.CertificatePem, stored.KeyPem) is null) return null;
        using var certificate = X509Certificate2.CreateFromPem(stored.CertificatePem);
        var notAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime());
        var left = notAfter - clock.GetUtcNow();
        if (left <= TimeSpan.Zero) return null;
        var names = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(e => e.EnumerateDnsNames()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var why = left <= LeafRenewBefore ? string.Create(CultureInfo.InvariantCulture, $"{left.TotalDays:0.#} days left")
            : !dnsNames.All(names.Contains) ? "the webhook's names changed"
            : null;
        return new LeafState(notAfter, why is not null, why);
    }

    sealed record LeafState(DateTimeOffset NotAfter, bool Renew, string? Why);

    sealed record TrustedCa(string Pem, DateTimeOffset NotAfter);

    /// <summary>The CAs as one PEM, each on its own lines (an exported PEM has no final line break).</summary>
    static string Concat(IEnumerable<TrustedCa> cas) => string.Concat(cas.Select(c => c.Pem.TrimEnd() + "\n"));

    static List<TrustedCa> ReadCertificates(string? pem)
    {
        var result = new List<TrustedCa>();
        if (string.IsNullOrWhiteSpace(pem)) return result;
        var collection = new X509Certificate2Collection();
        try
        {
            collection.ImportFromPem(pem);
        }
        catch (CryptographicException)
        {
            return result;
        }
        foreach (var certificate in collection)
        {
            result.Add(new TrustedCa(certificate.ExportCertificatePem(), new DateTimeOffset(certificate.NotAfter.ToUniversalTime())));
            certificate.Dispose();
        }
        return result;
    }

    static bool Matches(TrustedCa ca, string keyPem)
    {
        try
        {
            using var pair = X509Certificate2.CreateFromPem(ca.Pem, keyPem);
            return pair.HasPrivateKey;
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            return false;
        }
    }
}

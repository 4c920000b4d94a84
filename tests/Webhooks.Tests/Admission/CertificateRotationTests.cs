using System.Net;
using System.Security.Cryptography.X509Certificates;
using Kaito.Webhooks.Certificates;
using Microsoft.Extensions.Time.Testing;

namespace Kaito.Webhooks.Tests.Admission;

public sealed class CertificateRotationTests
{
    static readonly string[] Names = ["kaito-workspace", "kaito-workspace.kaito-system.svc"];
    static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    static readonly StoredCertificates Empty = new(null, null, null, null);

    [Fact]
    public void An_empty_secret_gets_a_ca_and_a_certificate_and_a_second_look_writes_nothing()
    {
        var rotation = new CertificateRotation(Names, [IPAddress.Loopback], new FakeTimeProvider(T0));

        var first = rotation.Next(Empty);
        var again = rotation.Next(first.Stored);

        Assert.Equal("created a CA; issued a serving certificate", first.Change);
        Assert.NotNull(first.Stored.CaKeyPem);
        Assert.NotNull(CertificateBundle.TryParse(first.Bundle.CaPem, first.Bundle.CertificatePem, first.Bundle.KeyPem));
        Assert.Null(again.Change);
        Assert.Equal(first.Bundle, again.Bundle);
    }

    [Fact]
    public void A_certificate_within_30_days_of_its_end_is_renewed_from_the_same_ca()
    {
        var time = new FakeTimeProvider(T0);
        var rotation = new CertificateRotation(Names, [], time);
        var first = rotation.Next(Empty);

        time.Advance(TimeSpan.FromDays(59));
        Assert.Null(rotation.Next(first.Stored).Change);
        time.Advance(TimeSpan.FromDays(2));
        var renewed = rotation.Next(first.Stored);

        Assert.Equal("renewed the serving certificate (29 days left)", renewed.Change);
        Assert.Equal(first.Stored.TrustPem, renewed.Stored.TrustPem);
        Assert.Equal(first.Stored.CaKeyPem, renewed.Stored.CaKeyPem);
        Assert.NotEqual(first.Bundle.Serial, renewed.Bundle.Serial);
        Assert.Equal(T0 + TimeSpan.FromDays(61 + 90), renewed.Bundle.NotAfter);
    }

    [Fact]
    public void A_secret_without_the_ca_key_gets_a_new_ca_trusted_next_to_the_old_and_keeps_its_certificate_until_renewal()
    {
        var time = new FakeTimeProvider(T0);
        var legacy = CertificateAuthority.Generate(Names, [], TimeSpan.FromDays(90), time);
        var rotation = new CertificateRotation(Names, [], time);

        var migrated = rotation.Next(new StoredCertificates(legacy.CaPem, null, legacy.CertificatePem, legacy.KeyPem));

        Assert.Equal("created a new CA; the previous one stays trusted until it expires", migrated.Change);
        Assert.Equal(legacy.CertificatePem, migrated.Bundle.CertificatePem);
        var trusted = Cas(migrated.Bundle.CaPem);
        Assert.Equal(2, trusted.Count);
        Assert.Equal(Cas(legacy.CaPem)[0].Thumbprint, trusted[1].Thumbprint);
        Assert.Null(rotation.Next(migrated.Stored).Change);

        time.Advance(TimeSpan.FromDays(61));
        var renewed = rotation.Next(migrated.Stored);
        Assert.StartsWith("renewed the serving certificate", renewed.Change, StringComparison.Ordinal);
        Assert.True(Verifies(renewed.Bundle.CertificatePem, trusted[0]), "the renewal must come from the new CA");
        Assert.False(Verifies(renewed.Bundle.CertificatePem, trusted[1]));
    }

    [Theory]
    [InlineData("junk", "junk", "junk", "junk")]
    [InlineData(null, null, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", null)]
    public void Unreadable_content_is_replaced_by_a_fresh_ca_and_certificate(string? trust, string? caKey, string? certificate, string? key)
    {
        var step = new CertificateRotation(Names, [], new FakeTimeProvider(T0)).Next(new StoredCertificates(trust, caKey, certificate, key));

        Assert.Equal("created a CA; issued a serving certificate", step.Change);
        Assert.NotNull(CertificateBundle.TryParse(step.Bundle.CaPem, step.Bundle.CertificatePem, step.Bundle.KeyPem));
    }

    [Fact]
    public void A_certificate_lacking_one_of_the_webhook_names_is_reissued()
    {
        var time = new FakeTimeProvider(T0);
        var first = new CertificateRotation(["old-name.kaito-system.svc"], [], time).Next(Empty);

        var step = new CertificateRotation(Names, [], time).Next(first.Stored);

        Assert.Equal("renewed the serving certificate (the webhook's names changed)", step.Change);
        using var certificate = X509Certificate2.CreateFromPem(step.Bundle.CertificatePem);
        Assert.True(certificate.MatchesHostname("kaito-workspace.kaito-system.svc"));
        Assert.Equal(first.Stored.TrustPem, step.Stored.TrustPem);
    }

    /// <summary>
    /// Twelve years of daily looks at the Secret. A replica that has not looked yet serves the previous certificate while
    /// API servers already hold the new caBundle, and the replica that moved on serves its certificate only after publishing
    /// that caBundle, so both certificates must verify against both the previous and the new trusted CAs — at every step.
    /// </summary>
    [Fact]
    public void Over_twelve_years_every_step_keeps_old_and_new_certificates_trusted_by_old_and_new_ca_bundles()
    {
        var time = new FakeTimeProvider(T0);
        var rotation = new CertificateRotation(Names, [], time);
        var step = rotation.Next(Empty);
        int renewals = 0, caChanges = 0, prunes = 0;
        for (var day = 1; day <= 12 * 365; day++)
        {
            time.Advance(TimeSpan.FromDays(1));
            var next = rotation.Next(step.Stored);
            if (next.Change is { } change)
            {
                renewals += change.Contains("renewed", StringComparison.Ordinal) ? 1 : 0;
                caChanges += change.Contains("new CA", StringComparison.Ordinal) ? 1 : 0;
                prunes += change.Contains("dropped expired CAs", StringComparison.Ordinal) ? 1 : 0;
                foreach (var served in new[] { step.Bundle.CertificatePem, next.Bundle.CertificatePem })
                foreach (var trust in new[] { step.Bundle.CaPem, next.Bundle.CaPem })
                    Assert.True(Verifies(served, trust, time.GetUtcNow()), $"day {day} ({change}): a served certificate does not verify against a published caBundle");
            }
            Assert.True(next.Bundle.NotAfter - time.GetUtcNow() > TimeSpan.FromDays(1), $"day {day}: the served certificate is about to lapse");
            step = next;
        }

        Assert.Equal(3, caChanges);      // at 4, 8 and 12 years: a CA lasts 5 years and is replaced with 1 left
        Assert.Equal(2, prunes);         // at 5 and 9 years, as the replaced CAs expire
        Assert.InRange(renewals, 12 * 365 / 60 - 3, 12 * 365 / 60 + 3);
    }

    static List<X509Certificate2> Cas(string pem)
    {
        var collection = new X509Certificate2Collection();
        collection.ImportFromPem(pem);
        return [.. collection];
    }

    static bool Verifies(string certificatePem, X509Certificate2 ca) => Verifies(certificatePem, ca.ExportCertificatePem(), null);

    static bool Verifies(string certificatePem, string trustPem, DateTimeOffset? at)
    {
        using var certificate = X509Certificate2.CreateFromPem(certificatePem);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(Cas(trustPem).ToArray());
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (at is { } when) chain.ChainPolicy.VerificationTime = when.UtcDateTime;
        else chain.ChainPolicy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid;
        return chain.Build(certificate);
    }
}

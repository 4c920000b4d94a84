using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Kaito.E2E.Tests;

/// <summary>Certificate helpers of the e2e tests that issue certificates (the fault proxy, the rotation tests) or check them.</summary>
static class TestCertificates
{
    /// <summary>A random serial number of <paramref name="bytes"/> bytes that reads as positive (top bit clear), as RFC 5280 asks.</summary>
    public static byte[] Serial(int bytes)
    {
        var serial = RandomNumberGenerator.GetBytes(bytes);
        serial[0] &= 0x7F;
        return serial;
    }

    /// <summary>True when <paramref name="certificate"/> chains to <paramref name="ca"/> alone: no system roots, no revocation check.</summary>
    public static bool ChainsTo(X509Certificate2 certificate, X509Certificate2 ca)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }
}

using System.Security.Cryptography.X509Certificates;

namespace Kaito.Webhooks.Certificates;

/// <summary>The certificate Kestrel presents, swapped in place on rotation or reload (no restart).</summary>
public sealed class ServingCertificate
{
    volatile Loaded? current;

    public X509Certificate2? Certificate => current?.Certificate;

    public CertificateBundle? Bundle => current?.Bundle;

    public bool IsLoaded => current is not null;

    public event Action<CertificateBundle>? Changed;

    /// <summary>Serves <paramref name="bundle"/>; false when it is already the one served.</summary>
    public bool Use(CertificateBundle bundle)
    {
        if (current?.Bundle == bundle) return false;
        current = new Loaded(bundle, bundle.ToServerCertificate());
        Changed?.Invoke(bundle);
        return true;
    }

    sealed record Loaded(CertificateBundle Bundle, X509Certificate2 Certificate);
}

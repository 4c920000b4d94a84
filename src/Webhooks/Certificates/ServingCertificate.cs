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

    public void Use(CertificateBundle bundle)
    {
        if (current?.Bundle == bundle) return;
        current = new Loaded(bundle, bundle.ToServerCertificate());
        Changed?.Invoke(bundle);
    }

    sealed record Loaded(CertificateBundle Bundle, X509Certificate2 Certificate);
}

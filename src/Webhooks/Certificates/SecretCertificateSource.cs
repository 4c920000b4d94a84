using System.Net;
using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Kaito.Webhooks.Certificates;

/// <summary>
/// Self-managed certificates: a CA and serving certificate kept in a Secret, created when missing or
/// unreadable and replaced before they expire. Writes use the Secret's resourceVersion, so two replicas
/// racing converge on one certificate instead of overwriting each other.
/// </summary>
public sealed partial class SecretCertificateSource(
    IKubernetes client, string @namespace, string secretName, IReadOnlyList<string> dnsNames, IReadOnlyList<IPAddress> addresses,
    ILogger<SecretCertificateSource> logger, TimeProvider? time = null)
{
    public static readonly TimeSpan Validity = TimeSpan.FromDays(90);
    public static readonly TimeSpan RenewBefore = TimeSpan.FromDays(30);

    readonly TimeProvider clock = time ?? TimeProvider.System;

    /// <summary>The current bundle, rotated first when it is missing, invalid or within <see cref="RenewBefore"/> of expiry.</summary>
    public async Task<CertificateBundle> EnsureAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var secret = await ReadAsync(cancellationToken);
            var bundle = secret is null ? null : Parse(secret);
            if (bundle is not null && bundle.NotAfter - clock.GetUtcNow() > RenewBefore) return bundle;

            var fresh = CertificateAuthority.Generate(dnsNames, addresses, Validity, clock);
            try
            {
                await WriteAsync(secret, fresh, cancellationToken);
                LogRotated(logger, @namespace, secretName, fresh.NotAfter);
                return fresh;
            }
            catch (HttpOperationException e) when (e.Response.StatusCode is HttpStatusCode.Conflict && attempt < 5)
            {
                // Another replica wrote first: read again and use theirs.
            }
        }
    }

    async Task<V1Secret?> ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await client.CoreV1.ReadNamespacedSecretAsync(secretName, @namespace, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    async Task WriteAsync(V1Secret? existing, CertificateBundle bundle, CancellationToken cancellationToken)
    {
        var data = new Dictionary<string, byte[]>
        {
            [CertificateBundle.CaKey] = Encoding.UTF8.GetBytes(bundle.CaPem),
            [CertificateBundle.CertificateKey] = Encoding.UTF8.GetBytes(bundle.CertificatePem),
            [CertificateBundle.PrivateKeyKey] = Encoding.UTF8.GetBytes(bundle.KeyPem),
        };
        if (existing is null)
        {
            await client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
            {
                Metadata = new V1ObjectMeta { Name = secretName, NamespaceProperty = @namespace, Labels = new Dictionary<string, string> { ["app.kubernetes.io/part-of"] = "kaito" } },
                Type = "kubernetes.io/tls",
                Data = data,
            }, @namespace, cancellationToken: cancellationToken);
            return;
        }
        existing.Data = data;
        await client.CoreV1.ReplaceNamespacedSecretAsync(existing, secretName, @namespace, cancellationToken: cancellationToken);
    }

    static CertificateBundle? Parse(V1Secret secret)
    {
        string? Get(string key) => secret.Data?.TryGetValue(key, out var value) == true ? Encoding.UTF8.GetString(value) : null;
        return CertificateBundle.TryParse(Get(CertificateBundle.CaKey), Get(CertificateBundle.CertificateKey), Get(CertificateBundle.PrivateKeyKey));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "webhook certificate written to Secret {Namespace}/{Name}, valid until {NotAfter}")]
    static partial void LogRotated(ILogger logger, string @namespace, string name, DateTimeOffset notAfter);
}

using System.Net;
using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Kaito.Webhooks.Certificates;

/// <summary>
/// Self-managed certificates kept in a Secret: the trusted CAs (ca.crt), the signing CA's key (ca.key) and the serving
/// pair (tls.crt, tls.key), moved on as <see cref="CertificateRotation"/> decides. Writes use the Secret's
/// resourceVersion, so two replicas racing converge on one certificate instead of overwriting each other.
/// </summary>
public sealed partial class SecretCertificateSource(
    IKubernetes client, string @namespace, string secretName, IReadOnlyList<string> dnsNames, IReadOnlyList<IPAddress> addresses,
    ILogger<SecretCertificateSource> logger, TimeProvider? time = null)
{
    public const string CaPrivateKeyKey = "ca.key";

    readonly CertificateRotation rotation = new(dnsNames, addresses, time);

    /// <summary>The bundle to serve, after the Secret was moved on (created, renewed, its CA replaced) when that was due.</summary>
    public async Task<CertificateBundle> EnsureAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var secret = await ReadAsync(cancellationToken);
            var step = rotation.Next(Stored(secret));
            if (step.Change is null) return step.Bundle;
            try
            {
                await WriteAsync(secret, step.Stored, cancellationToken);
                LogRotated(logger, @namespace, secretName, step.Change, step.Bundle.Serial, step.Bundle.NotAfter);
                return step.Bundle;
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

    async Task WriteAsync(V1Secret? existing, StoredCertificates stored, CancellationToken cancellationToken)
    {
        var data = new Dictionary<string, byte[]>
        {
            [CertificateBundle.CaKey] = Encoding.UTF8.GetBytes(stored.TrustPem!),
            [CaPrivateKeyKey] = Encoding.UTF8.GetBytes(stored.CaKeyPem!),
            [CertificateBundle.CertificateKey] = Encoding.UTF8.GetBytes(stored.CertificatePem!),
            [CertificateBundle.PrivateKeyKey] = Encoding.UTF8.GetBytes(stored.KeyPem!),
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

    static StoredCertificates Stored(V1Secret? secret)
    {
        string? Get(string key) => secret?.Data?.TryGetValue(key, out var value) == true ? Encoding.UTF8.GetString(value) : null;
        return new StoredCertificates(Get(CertificateBundle.CaKey), Get(CaPrivateKeyKey), Get(CertificateBundle.CertificateKey), Get(CertificateBundle.PrivateKeyKey));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "webhook certificates in Secret {Namespace}/{Name}: {Change}; serving certificate {Serial} valid until {NotAfter}")]
    static partial void LogRotated(ILogger logger, string @namespace, string name, string change, string serial, DateTimeOffset notAfter);
}

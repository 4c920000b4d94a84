using k8s;

namespace Kaito.Reconcilers.Manifests;

/// <summary>Change detection: a stable fingerprint of rendered manifests.</summary>
public static class WorkloadRevision
{
    /// <summary>
    /// Lower-case hex SHA-256 over the KubernetesJson serialization of each manifest (nulls as "null"), one per
    /// line. Builders are deterministic, so equal specs give equal hashes.
    /// </summary>
    public static string Hash(params object?[] manifests)
    {
        var text = string.Join('\n', manifests.Select(m => m is null ? "null" : KubernetesJson.Serialize(m)));
        return DnsNames.HexHash(text, 64);
    }
}

using k8s.Models;

namespace Kaito.Webhooks.Validation;

/// <summary>
/// The cluster reads some rules need (ConfigMaps, model access Secrets, GPU nodes). The webhook passes one backed by the API
/// server; offline validation (kubectl-kaito validate) passes null and those checks are skipped with a note.
/// </summary>
public interface IClusterLookup
{
    Task<V1ConfigMap?> GetConfigMapAsync(string @namespace, string name, CancellationToken cancellationToken);

    /// <summary>A Secret, or null when there is none (a gated model's modelAccessSecret).</summary>
    Task<V1Secret?> GetSecretAsync(string @namespace, string name, CancellationToken cancellationToken);

    /// <summary>Nodes matching the selector, matchExpressions included.</summary>
    Task<IReadOnlyList<V1Node>> ListNodesAsync(V1LabelSelector selector, CancellationToken cancellationToken);
}

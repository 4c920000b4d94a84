using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Kaito.Webhooks.Validation;

namespace Kaito.Webhooks;

/// <summary>Cluster reads for admission rules, straight from the API server.</summary>
public sealed class KubernetesClusterLookup(IKubernetes client) : IClusterLookup
{
    public async Task<V1ConfigMap?> GetConfigMapAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        try
        {
            return await client.CoreV1.ReadNamespacedConfigMapAsync(name, @namespace, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<V1Secret?> GetSecretAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        try
        {
            return await client.CoreV1.ReadNamespacedSecretAsync(name, @namespace, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<V1Node>> ListNodesAsync(V1LabelSelector selector, CancellationToken cancellationToken)
    {
        var nodes = await client.CoreV1.ListNodeAsync(labelSelector: LabelSelectors.ToQuery(selector), cancellationToken: cancellationToken);
        return [.. nodes.Items];
    }
}

public static class LabelSelectors
{
    /// <summary>The label selector query string the API server accepts (k=v, k in (a,b), !k ...).</summary>
    public static string ToQuery(V1LabelSelector selector)
    {
        var parts = new List<string>();
        foreach (var (key, value) in selector.MatchLabels ?? new Dictionary<string, string>())
            parts.Add($"{key}={value}");
        foreach (var requirement in selector.MatchExpressions ?? [])
        {
            var values = string.Join(",", requirement.Values ?? []);
            parts.Add(requirement.OperatorProperty switch
            {
                "In" => $"{requirement.Key} in ({values})",
                "NotIn" => $"{requirement.Key} notin ({values})",
                "Exists" => requirement.Key,
                "DoesNotExist" => "!" + requirement.Key,
                var op => throw new ArgumentException($"unsupported label selector operator {op}", nameof(selector)),
            });
        }
        return string.Join(",", parts);
    }
}

using System.Globalization;
using k8s.Models;
using Kaito.Api.Karpenter;

namespace Kaito.Reconcilers.Shared;

/// <summary>Whether NodeClaims and Nodes can take a GPU workload.</summary>
public static class NodeReadiness
{
    public static bool IsReady(NodeClaim claim) =>
        claim.Metadata.DeletionTimestamp is null
        && claim.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true
        && !string.IsNullOrEmpty(claim.Status.NodeName);

    /// <summary>The earliest lifecycle stage that is not done, as a reason and message for NodeClaimReady.</summary>
    public static (string Reason, string Message)? Problem(IEnumerable<NodeClaim> claims)
    {
        foreach (var stage in new[] { "Launched", "Registered", "Initialized", "Ready" })
        {
            foreach (var claim in claims.Where(c => c.Metadata.DeletionTimestamp is null).OrderBy(c => c.Metadata.Name, StringComparer.Ordinal))
            {
                var condition = claim.Status?.Conditions?.FirstOrDefault(c => c.Type == stage);
                if (condition is { Status: "False" } && !string.IsNullOrEmpty(condition.Message))
                    return (string.IsNullOrEmpty(condition.Reason) ? "NodeClaimNotReady" : condition.Reason, $"NodeClaim {claim.Metadata.Name} {stage}: {condition.Message}");
            }
        }
        return null;
    }

    /// <summary>Ready, not being deleted, schedulable, and offering at least one GPU.</summary>
    public static bool IsReadyGpuNode(V1Node node) =>
        node.Metadata.DeletionTimestamp is null
        && node.Spec?.Unschedulable != true
        && node.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true
        && Gpus(node) > 0;

    public static int Gpus(V1Node node) =>
        node.Status?.Allocatable is { } allocatable && allocatable.TryGetValue("nvidia.com/gpu", out var quantity)
            ? (int)quantity.ToDecimal()
            : 0;
}

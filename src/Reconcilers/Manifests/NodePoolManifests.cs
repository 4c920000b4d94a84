using Kaito.Presets;
using Kaito.Api.Karpenter;
using Kaito.Api.V1Beta1;

namespace Kaito.Reconcilers.Manifests;

/// <summary>
/// Under --node-provisioner karpenter: one karpenter.sh/v1 NodePool per Workspace with a static replica count.
/// Karpenter creates the NodeClaims; they and their nodes carry the template's labels, so the Workspace finds them
/// exactly as it finds the NodeClaims it creates for the gpu-provisioner.
/// </summary>
public static class NodePoolManifests
{
    public const int MaxNameLength = 63;

    /// <summary>"&lt;namespace&gt;-&lt;name&gt;"; when longer than 63, its first 53 characters, "-" and 9 hex of its SHA-256.</summary>
    public static string Name(Workspace workspace)
    {
        var full = $"{workspace.Metadata.NamespaceProperty}-{workspace.Metadata.Name}";
        return full.Length <= MaxNameLength ? full : $"{full[..53].TrimEnd('-')}-{DnsNames.HexHash(full, 9)}";
    }

    public const string DefaultAzureNodeClass = "image-family-ubuntu";

    /// <summary>
    /// Karpenter's node class: AKSNodeClass (azure) or EC2NodeClass (aws), named by the Workspace's
    /// kaito.sh/node-class-name annotation, else image-family-ubuntu (azure) or default (aws).
    /// </summary>
    public static NodeClassReference NodeClass(Workspace workspace, string cloud)
    {
        var asked = workspace.Metadata.Annotations?.TryGetValue(Annotations.NodeClassName, out var name) == true && !string.IsNullOrWhiteSpace(name) ? name.Trim() : null;
        return string.Equals(cloud, "aws", StringComparison.OrdinalIgnoreCase)
            ? new NodeClassReference { Group = "karpenter.k8s.aws", Kind = "EC2NodeClass", Name = asked ?? "default" }
            : new NodeClassReference { Group = "karpenter.azure.com", Kind = "AKSNodeClass", Name = asked ?? DefaultAzureNodeClass };
    }

    public static NodePool Build(Workspace workspace, string instanceType, string cloud, long replicas, ModelPreset? model)
    {
        var labels = NodeClaimManifests.NodeLabels(workspace);
        labels.Remove(NodeClaimManifests.NodePoolLabel);   // Karpenter sets karpenter.sh/nodepool itself
        var claim = NodeClaimManifests.Build(workspace, instanceType, 0, cloud, model);
        claim.Spec!.Requirements = [.. claim.Spec.Requirements!.Where(r => r.Key != NodeClaimManifests.NodePoolLabel)];
        claim.Spec.NodeClassRef = NodeClass(workspace, cloud);
        return new NodePool
        {
            Metadata = new k8s.Models.V1ObjectMeta
            {
                Name = Name(workspace),
                Labels = new Dictionary<string, string>
                {
                    [ManifestConstants.ManagedByLabel] = ManifestConstants.ManagedByValue,
                    [Labels.Workspace] = workspace.Metadata.Name,
                    [Labels.WorkspaceNamespace] = workspace.Metadata.NamespaceProperty,
                },
            },
            Spec = new NodePoolSpec
            {
                Replicas = replicas,
                Template = new NodeClaimTemplate
                {
                    Metadata = new NodeClaimTemplateMetadata { Labels = labels, Annotations = claim.Metadata.Annotations },
                    Spec = claim.Spec,
                },
                // Never consolidated away under a running model; a drifted node is replaced one at a time.
                Disruption = new NodePoolDisruption { ConsolidateAfter = "Never", Budgets = [new NodePoolBudget { Nodes = "1", Reasons = ["Drifted"] }] },
            },
        };
    }
}

using System.ComponentModel;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using Kaito.Api.V1Beta1.Schema;

namespace Kaito.Api.Karpenter;

/// <summary>
/// karpenter.sh/v1 NodePool, the subset the operator writes under --node-provisioner karpenter: one pool per
/// Workspace with a static replica count, from which Karpenter creates the NodeClaims. Shipped with the workspace
/// chart, like NodeClaim, so the local control plane and clusters without Karpenter accept it.
/// </summary>
[KubernetesEntity(Group = "karpenter.sh", ApiVersion = "v1", Kind = "NodePool", PluralName = "nodepools")]
[CrdNames("nodepool", "nodepools", Categories = ["karpenter"], ClusterScoped = true)]
[CrdVersion("v1", Storage = true)]
[CrdPrinterColumn("Replicas", "integer", ".spec.replicas")]
[CrdPrinterColumn("NodeClass", "string", ".spec.template.spec.nodeClassRef.name")]
[CrdPrinterColumn("Age", "date", ".metadata.creationTimestamp")]
public sealed class NodePool : IKubernetesObject<V1ObjectMeta>
{
    public const string Group = "karpenter.sh";
    public const string Version = "v1";
    public const string Plural = "nodepools";

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = "karpenter.sh/v1";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "NodePool";

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    [Description("The nodes of the pool.")]
    public NodePoolSpec? Spec { get; set; }
}

public sealed class NodePoolList : IKubernetesObject<V1ListMeta>, IItems<NodePool>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = "karpenter.sh/v1";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "NodePoolList";

    [JsonPropertyName("metadata")]
    public V1ListMeta Metadata { get; set; } = new();

    [JsonPropertyName("items")]
    public IList<NodePool> Items { get; set; } = [];
}

[Description("The nodes of the pool.")]
public sealed class NodePoolSpec
{
    [JsonPropertyName("replicas")]
    [Description("Static capacity: how many nodes the pool keeps.")]
    public long? Replicas { get; set; }

    [JsonPropertyName("template")]
    [CrdRequired]
    [Description("What every NodeClaim of the pool looks like.")]
    public NodeClaimTemplate? Template { get; set; }

    [JsonPropertyName("disruption")]
    [Description("When Karpenter may replace the pool's nodes.")]
    public NodePoolDisruption? Disruption { get; set; }
}

[Description("What every NodeClaim of the pool looks like.")]
public sealed class NodeClaimTemplate
{
    [JsonPropertyName("metadata")]
    [Description("Labels and annotations of the NodeClaims and their nodes.")]
    public NodeClaimTemplateMetadata? Metadata { get; set; }

    [JsonPropertyName("spec")]
    [CrdRequired]
    [Description("The NodeClaims' spec.")]
    public NodeClaimSpec? Spec { get; set; }
}

[Description("Labels and annotations of the NodeClaims and their nodes.")]
public sealed class NodeClaimTemplateMetadata
{
    [JsonPropertyName("labels")]
    [Description("Labels of the NodeClaims and their nodes.")]
    public IDictionary<string, string>? Labels { get; set; }

    [JsonPropertyName("annotations")]
    [Description("Annotations of the NodeClaims.")]
    public IDictionary<string, string>? Annotations { get; set; }
}

[Description("When Karpenter may replace the pool's nodes.")]
public sealed class NodePoolDisruption
{
    [JsonPropertyName("consolidateAfter")]
    [Description("How long a node must be underused before consolidation.")]
    public string? ConsolidateAfter { get; set; }

    [JsonPropertyName("budgets")]
    [Description("How many nodes may be disrupted at once, per reason.")]
    public IList<NodePoolBudget>? Budgets { get; set; }
}

[Description("How many nodes may be disrupted at once.")]
public sealed class NodePoolBudget
{
    [JsonPropertyName("nodes")]
    [CrdRequired]
    [Description("A count or a percentage.")]
    public string? Nodes { get; set; }

    [JsonPropertyName("reasons")]
    [Description("Drifted, Underutilized or Empty.")]
    public IList<string>? Reasons { get; set; }
}

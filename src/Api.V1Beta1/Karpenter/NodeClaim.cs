using System.ComponentModel;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using Kaito.Api.V1Beta1.Schema;

namespace Kaito.Api.Karpenter;

/// <summary>
/// karpenter.sh/v1 NodeClaim: a request for one node, fulfilled by the gpu-provisioner. The workspace
/// chart ships this CRD so the operator works before a provisioner is installed.
/// </summary>
[KubernetesEntity(Group = "karpenter.sh", ApiVersion = "v1", Kind = "NodeClaim", PluralName = "nodeclaims")]
[CrdNames("nodeclaim", "nodeclaims", Categories = ["karpenter"], ClusterScoped = true)]
[CrdVersion("v1", Storage = true)]
[CrdPrinterColumn("Type", "string", ".metadata.labels.node\\.kubernetes\\.io/instance-type")]
[CrdPrinterColumn("Capacity", "string", ".metadata.labels.karpenter\\.sh/capacity-type")]
[CrdPrinterColumn("Zone", "string", ".metadata.labels.topology\\.kubernetes\\.io/zone")]
[CrdPrinterColumn("Node", "string", ".status.nodeName")]
[CrdPrinterColumn("Ready", "string", ".status.conditions[?(@.type==\"Ready\")].status")]
[CrdPrinterColumn("Age", "date", ".metadata.creationTimestamp")]
[CrdPrinterColumn("ID", "string", ".status.providerID", Priority = 1)]
[CrdPrinterColumn("NodePool", "string", ".metadata.labels.karpenter\\.sh/nodepool", Priority = 1)]
[CrdPrinterColumn("NodeClass", "string", ".spec.nodeClassRef.name", Priority = 1)]
public sealed class NodeClaim : IKubernetesObject<V1ObjectMeta>
{
    public const string Group = "karpenter.sh";
    public const string Version = "v1";
    public const string Plural = "nodeclaims";

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = "karpenter.sh/v1";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "NodeClaim";

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    [Description("The node requested.")]
    public NodeClaimSpec? Spec { get; set; }

    [JsonPropertyName("status")]
    [Description("The node launched for this claim.")]
    public NodeClaimStatus? Status { get; set; }
}

public sealed class NodeClaimList : IKubernetesObject<V1ListMeta>, IItems<NodeClaim>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = "karpenter.sh/v1";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "NodeClaimList";

    [JsonPropertyName("metadata")]
    public V1ListMeta Metadata { get; set; } = new();

    [JsonPropertyName("items")]
    public IList<NodeClaim> Items { get; set; } = [];
}

[Description("The node requested.")]
public sealed class NodeClaimSpec
{
    [JsonPropertyName("taints")]
    [Description("Taints the node is created with.")]
    public IList<NodeClaimTaint>? Taints { get; set; }

    [JsonPropertyName("startupTaints")]
    [Description("Taints removed by a daemon once the node is initialized.")]
    public IList<NodeClaimTaint>? StartupTaints { get; set; }

    [JsonPropertyName("requirements")]
    [CrdRequired]
    [Description("Constraints on the node: instance type, zone, capacity type and other labels.")]
    public IList<NodeSelectorRequirementWithMinValues>? Requirements { get; set; }

    [JsonPropertyName("resources")]
    [Description("Resources the node must provide.")]
    public NodeClaimResources? Resources { get; set; }

    [JsonPropertyName("nodeClassRef")]
    [CrdRequired]
    [Description("The provider-specific node class.")]
    public NodeClassReference? NodeClassRef { get; set; }

    [JsonPropertyName("terminationGracePeriod")]
    [Description("How long a draining node may take before it is forcibly removed (duration).")]
    public string? TerminationGracePeriod { get; set; }

    [JsonPropertyName("expireAfter")]
    [Description("Lifetime of the node before it is replaced (duration, or Never).")]
    public string? ExpireAfter { get; set; }
}

[Description("A node taint.")]
public sealed class NodeClaimTaint
{
    [JsonPropertyName("key")]
    [CrdRequired]
    [Description("Taint key.")]
    public string? Key { get; set; }

    [JsonPropertyName("value")]
    [Description("Taint value.")]
    public string? Value { get; set; }

    [JsonPropertyName("effect")]
    [CrdRequired]
    [CrdEnum("NoSchedule", "PreferNoSchedule", "NoExecute")]
    [Description("Taint effect.")]
    public string? Effect { get; set; }
}

[Description("A node selector requirement, optionally with a minimum number of distinct values.")]
public sealed class NodeSelectorRequirementWithMinValues
{
    [JsonPropertyName("key")]
    [CrdRequired]
    [Description("Label key.")]
    public string? Key { get; set; }

    [JsonPropertyName("operator")]
    [CrdRequired]
    [CrdEnum("In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt")]
    [Description("Relation of the key to the values.")]
    public string? Operator { get; set; }

    [JsonPropertyName("values")]
    [Description("Label values.")]
    public IList<string>? Values { get; set; }

    [JsonPropertyName("minValues")]
    [CrdMinimum(1)]
    [Description("Minimum number of distinct values the scheduler must consider.")]
    public int? MinValues { get; set; }
}

[Description("Resources the node must provide.")]
public sealed class NodeClaimResources
{
    [JsonPropertyName("requests")]
    [Description("Requested quantities, for example storage.")]
    public IDictionary<string, ResourceQuantity>? Requests { get; set; }
}

[Description("A reference to a node class.")]
public sealed class NodeClassReference
{
    [JsonPropertyName("group")]
    [CrdRequired]
    [Description("API group of the node class.")]
    public string? Group { get; set; }

    [JsonPropertyName("kind")]
    [CrdRequired]
    [Description("Kind of the node class.")]
    public string? Kind { get; set; }

    [JsonPropertyName("name")]
    [CrdRequired]
    [Description("Name of the node class.")]
    public string? Name { get; set; }
}

[Description("The node launched for a claim.")]
public sealed class NodeClaimStatus
{
    [JsonPropertyName("nodeName")]
    [Description("Name of the Node object.")]
    public string? NodeName { get; set; }

    [JsonPropertyName("providerID")]
    [Description("Cloud provider id of the instance.")]
    public string? ProviderId { get; set; }

    [JsonPropertyName("imageID")]
    [Description("Image the node booted from.")]
    public string? ImageId { get; set; }

    [JsonPropertyName("capacity")]
    [Description("Resources of the node.")]
    public IDictionary<string, ResourceQuantity>? Capacity { get; set; }

    [JsonPropertyName("allocatable")]
    [Description("Resources available to pods.")]
    public IDictionary<string, ResourceQuantity>? Allocatable { get; set; }

    [JsonPropertyName("conditions")]
    [Description("Launched, Registered, Initialized and Ready.")]
    public IList<V1Condition>? Conditions { get; set; }

    [JsonPropertyName("lastPodEventTime")]
    [Description("When a pod was last scheduled to or removed from the node.")]
    public DateTime? LastPodEventTime { get; set; }
}

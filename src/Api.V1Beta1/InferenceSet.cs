using System.ComponentModel;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using Kaito.Api.V1Beta1.Schema;

namespace Kaito.Api.V1Beta1;

/// <summary>
/// N identical inference Workspaces made from one template, scaled through the scale subresource
/// (<c>kubectl scale</c>, an HorizontalPodAutoscaler, KEDA). At zero replicas the children, and with them their GPU nodes, are gone.
/// </summary>
[KubernetesEntity(Group = KaitoGroup.Name, ApiVersion = "v1beta1", Kind = "InferenceSet", PluralName = "inferencesets")]
[CrdNames("inferenceset", "inferencesets", ShortNames = ["is", "isets"], Categories = ["inferenceset"])]
[CrdVersion("v1alpha1")]
[CrdVersion("v1beta1", Storage = true)]
[CrdScale(".spec.replicas", ".status.replicas", ".status.selector")]
[CrdPrinterColumn("Replicas", "integer", ".spec.replicas")]
[CrdPrinterColumn("ReadyReplicas", "integer", ".status.readyReplicas")]
[CrdPrinterColumn("Age", "date", ".metadata.creationTimestamp")]
public sealed class InferenceSet : IKubernetesObject<V1ObjectMeta>
{
    public const string KindName = "InferenceSet";
    public const string Plural = "inferencesets";

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = KaitoGroup.V1Beta1;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = KindName;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    [Description("The replicas wanted and the Workspace each one is.")]
    public InferenceSetSpec? Spec { get; set; }

    [JsonPropertyName("status")]
    [Description("Observed state, written by the operator.")]
    public InferenceSetStatus? Status { get; set; }
}

public sealed class InferenceSetList : IKubernetesObject<V1ListMeta>, IItems<InferenceSet>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = KaitoGroup.V1Beta1;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "InferenceSetList";

    [JsonPropertyName("metadata")]
    public V1ListMeta Metadata { get; set; } = new();

    [JsonPropertyName("items")]
    public IList<InferenceSet> Items { get; set; } = [];
}

[Description("The replicas wanted and the Workspace each one is.")]
public sealed class InferenceSetSpec
{
    [JsonPropertyName("replicas")]
    [CrdDefault("1")]
    [CrdMinimum(0)]
    [Description("Number of Workspaces (each a full copy of the model on its own GPU nodes). 0 releases every GPU node.")]
    public int? Replicas { get; set; }

    [JsonPropertyName("labelSelector")]
    [CrdRequired]
    [Description("Labels that select the GPU nodes; each child Workspace gets it as resource.labelSelector.")]
    public V1LabelSelector? LabelSelector { get; set; }

    [JsonPropertyName("nodeCountLimit")]
    [CrdMinimum(0)]
    [Description("Most GPU nodes the set may use across all replicas; must be at least replicas × nodes per replica.")]
    public int? NodeCountLimit { get; set; }

    [JsonPropertyName("template")]
    [CrdRequired]
    [Description("What each replica is: a Workspace without a name.")]
    public InferenceSetTemplate? Template { get; set; }

    [JsonPropertyName("updateStrategy")]
    [CrdPreserveUnknownFields]
    [CrdDefault("""{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":1}}""")]
    [Description("How a template change reaches the replicas: RollingUpdate (rollingUpdate.maxUnavailable replicas at a time, an integer or a percentage) or OnDelete.")]
    public JsonObject? UpdateStrategy { get; set; }

    [JsonPropertyName("autoUpgrade")]
    [Description("Automatic base image upgrades within a maintenance window.")]
    public AutoUpgradeSpec? AutoUpgrade { get; set; }
}

[Description("What each replica is: a Workspace without a name.")]
public sealed class InferenceSetTemplate
{
    [JsonPropertyName("metadata")]
    [CrdPreserveUnknownFields]
    [Description("Labels and annotations each child Workspace gets.")]
    public JsonObject? Metadata { get; set; }

    [JsonPropertyName("resource")]
    [Description("The GPU SKU of each replica's nodes, or a partition of your own nodes.")]
    public InferenceSetResource? Resource { get; set; }

    [JsonPropertyName("inference")]
    [CrdRequired]
    [Description("The model each replica serves, as in a Workspace.")]
    public InferenceSpec? Inference { get; set; }
}

[Description("The GPU nodes of each replica.")]
public sealed class InferenceSetResource
{
    [JsonPropertyName("instanceType")]
    [Description("GPU VM size (SKU) to provision for each replica. Required when nodes are auto-provisioned.")]
    public string? InstanceType { get; set; }

    [JsonPropertyName("partition")]
    [Description("GPU partitioning (MIG or accelerator slices) on your own nodes.")]
    public PartitionSpec? Partition { get; set; }
}

[Description("Automatic base image upgrades.")]
public sealed class AutoUpgradeSpec
{
    [JsonPropertyName("enabled")]
    [CrdDefault("false")]
    [Description("Upgrade the replicas' base image when a newer one is available.")]
    public bool? Enabled { get; set; }

    [JsonPropertyName("strategy")]
    [CrdDefault("\"InPlace\"")]
    [CrdEnum("InPlace", "Surge")]
    [Description("InPlace replaces replicas one by one; Surge starts the new one first.")]
    public string? Strategy { get; set; }

    [JsonPropertyName("maintenanceWindow")]
    [Description("When upgrades may happen.")]
    public MaintenanceWindow? MaintenanceWindow { get; set; }
}

[Description("A recurring window, in UTC.")]
public sealed class MaintenanceWindow
{
    [JsonPropertyName("schedule")]
    [CrdRequired]
    [Description("Start of the window: a five-field cron expression, UTC.")]
    public string? Schedule { get; set; }

    [JsonPropertyName("duration")]
    [CrdDefault("\"4h\"")]
    [Description("Length of the window (a Go duration such as 4h or 90m).")]
    public string? Duration { get; set; }
}

[Description("Observed state of an InferenceSet.")]
public sealed class InferenceSetStatus
{
    [JsonPropertyName("replicas")]
    [Description("Child Workspaces that exist.")]
    public int? Replicas { get; set; }

    [JsonPropertyName("readyReplicas")]
    [Description("Child Workspaces serving the model.")]
    public int? ReadyReplicas { get; set; }

    [JsonPropertyName("updatedReplicas")]
    [Description("Child Workspaces made from the current template.")]
    public int? UpdatedReplicas { get; set; }

    [JsonPropertyName("selector")]
    [Description("Label selector of the child Workspaces, for the scale subresource.")]
    public string? Selector { get; set; }

    [JsonPropertyName("conditions")]
    [Description("Current conditions: Ready, Scaling, Updating, and Autoscaler when KEDA scaling is asked for.")]
    public IList<V1Condition>? Conditions { get; set; }

    [JsonPropertyName("lastColdStartSeconds")]
    [Description("Seconds the last scale from zero took until the first replica was ready.")]
    public double? LastColdStartSeconds { get; set; }

    [JsonPropertyName("scaleDownPendingSince")]
    [Description("Since when there are more Workspaces than spec.replicas; the surplus goes once the scale-down cool-down has passed.")]
    public DateTime? ScaleDownPendingSince { get; set; }

    [JsonPropertyName("scaleFromZeroSince")]
    [Description("When the set last started scaling up from no Workspaces; cleared once a replica is ready.")]
    public DateTime? ScaleFromZeroSince { get; set; }

    [JsonPropertyName("autoUpgrade")]
    [Description("Upgrade progress.")]
    public AutoUpgradeStatus? AutoUpgrade { get; set; }
}

[Description("Upgrade progress.")]
public sealed class AutoUpgradeStatus
{
    [JsonPropertyName("numDriftedWorkspaces")]
    [Description("Child Workspaces whose base image is out of date.")]
    public int? NumDriftedWorkspaces { get; set; }

    [JsonPropertyName("lastSuccessfulUpgradeTime")]
    [Description("When the last upgrade finished.")]
    public DateTime? LastSuccessfulUpgradeTime { get; set; }
}

using System.ComponentModel;
using System.Text.Json.Serialization;
using k8s.Models;
using Kaito.Api.V1Beta1.Schema;

namespace Kaito.Api.V1Beta1;

[Description("The GPU nodes a workload runs on.")]
public sealed class ResourceSpec
{
    [JsonPropertyName("count")]
    [CrdDefault("1")]
    [Description("Deprecated: the operator computes the node count from the preset and the GPU SKU. Number of GPU nodes.")]
    public int? Count { get; set; }

    [JsonPropertyName("instanceType")]
    [Description("GPU VM size (SKU) to provision, for example Standard_NC24ads_A100_v4. Required when nodes are auto-provisioned; leave empty when using your own GPU nodes.")]
    public string? InstanceType { get; set; }

    [JsonPropertyName("labelSelector")]
    [CrdRequired]
    [Description("Labels that select the GPU nodes for this workload. Provisioned nodes get these labels.")]
    public V1LabelSelector? LabelSelector { get; set; }

    [JsonPropertyName("preferredNodes")]
    [Description("Deprecated: existing nodes to use before provisioning new ones. Nodes without the labelSelector labels are ignored.")]
    public IList<string>? PreferredNodes { get; set; }

    [JsonPropertyName("partition")]
    [Description("GPU partitioning (MIG or accelerator slices) on your own nodes.")]
    public PartitionSpec? Partition { get; set; }
}

[Description("How each GPU is partitioned.")]
public sealed class PartitionSpec
{
    [JsonPropertyName("mode")]
    [CrdRequired]
    [CrdEnum("mig", "accelerator")]
    [Description("Partitioning technology: mig (NVIDIA Multi-Instance GPU) or accelerator.")]
    public string? Mode { get; set; }

    [JsonPropertyName("profile")]
    [Description("MIG profile, for example 1g.10gb.")]
    public string? Profile { get; set; }

    [JsonPropertyName("count")]
    [CrdMinimum(1)]
    [Description("Number of partitions per GPU (accelerator mode only).")]
    public int? Count { get; set; }
}

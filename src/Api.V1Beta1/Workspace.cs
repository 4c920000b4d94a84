using System.ComponentModel;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using Kaito.Api.V1Beta1.Schema;

namespace Kaito.Api.V1Beta1;

/// <summary>
/// A model deployment or fine-tuning run. KAITO puts the spec fields at the top level, beside
/// metadata (there is no <c>spec</c>).
/// </summary>
[KubernetesEntity(Group = KaitoGroup.Name, ApiVersion = "v1beta1", Kind = "Workspace", PluralName = "workspaces")]
[CrdNames("workspace", "workspaces", ShortNames = ["wk", "wks"], Categories = ["workspace"])]
[CrdVersion("v1alpha1")]
[CrdVersion("v1beta1", Storage = true)]
[CrdPrinterColumn("Instance", "string", ".resource.instanceType")]
[CrdPrinterColumn("ResourceReady", "string", ".status.conditions[?(@.type==\"ResourceReady\")].status")]
[CrdPrinterColumn("InferenceReady", "string", ".status.conditions[?(@.type==\"InferenceReady\")].status")]
[CrdPrinterColumn("JobStarted", "string", ".status.conditions[?(@.type==\"JobStarted\")].status")]
[CrdPrinterColumn("WorkspaceSucceeded", "string", ".status.conditions[?(@.type==\"WorkspaceSucceeded\")].status")]
[CrdPrinterColumn("TargetNodeCount", "integer", ".status.targetNodeCount", OnlyVersions = ["v1beta1"])]
[CrdPrinterColumn("State", "string", ".status.state", OnlyVersions = ["v1beta1"])]
[CrdPrinterColumn("Age", "date", ".metadata.creationTimestamp")]
public sealed class Workspace : IKubernetesObject<V1ObjectMeta>
{
    public const string KindName = "Workspace";
    public const string Plural = "workspaces";

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = KaitoGroup.V1Beta1;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = KindName;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("resource")]
    [Description("The GPU nodes the workload runs on: provisioned for instanceType, or existing nodes matched by labelSelector.")]
    public ResourceSpec? Resource { get; set; }

    [JsonPropertyName("inference")]
    [Description("Serve a model: a preset (with optional LoRA adapters) or a custom pod template. Mutually exclusive with tuning.")]
    public InferenceSpec? Inference { get; set; }

    [JsonPropertyName("tuning")]
    [Description("Fine-tune a preset model with LoRA or QLoRA and publish the adapter. Mutually exclusive with inference.")]
    public TuningSpec? Tuning { get; set; }

    [JsonPropertyName("status")]
    [Description("Observed state, written by the operator.")]
    public WorkspaceStatus? Status { get; set; }
}

public sealed class WorkspaceList : IKubernetesObject<V1ListMeta>, IItems<Workspace>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = KaitoGroup.V1Beta1;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "WorkspaceList";

    [JsonPropertyName("metadata")]
    public V1ListMeta Metadata { get; set; } = new();

    [JsonPropertyName("items")]
    public IList<Workspace> Items { get; set; } = [];
}

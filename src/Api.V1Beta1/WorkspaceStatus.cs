using System.ComponentModel;
using System.Text.Json.Serialization;
using k8s.Models;
using Kaito.Api.V1Beta1.Schema;

namespace Kaito.Api.V1Beta1;

[Description("Observed state of a Workspace.")]
public sealed class WorkspaceStatus
{
    [JsonPropertyName("workerNodes")]
    [Description("Nodes the workload runs on.")]
    public IList<string>? WorkerNodes { get; set; }

    [JsonPropertyName("conditions")]
    [Description("Current conditions: ResourceReady, NodeClaimReady, NodesReady, InferenceReady, JobStarted, WorkspaceSucceeded.")]
    public IList<V1Condition>? Conditions { get; set; }

    [JsonPropertyName("state")]
    [Description("Summary: Pending, Ready or NotReady for inference; Running, Succeeded or Failed for tuning.")]
    public string? State { get; set; }

    [JsonPropertyName("targetNodeCount")]
    [Description("Number of GPU nodes the workload needs, computed from the preset and the GPU SKU.")]
    public int? TargetNodeCount { get; set; }

    [JsonPropertyName("performance")]
    [Description("Figures measured after the model loaded.")]
    public PerformanceStatus? Performance { get; set; }
}

[Description("Measured performance.")]
public sealed class PerformanceStatus
{
    [JsonPropertyName("metrics")]
    [Description("Metrics by name.")]
    public IDictionary<string, PerformanceMetric>? Metrics { get; set; }
}

[Description("One measured figure.")]
public sealed class PerformanceMetric
{
    [JsonPropertyName("description")]
    [CrdRequired]
    [Description("What was measured.")]
    public string? Description { get; set; }

    [JsonPropertyName("value")]
    [CrdRequired]
    [Description("The measured value.")]
    public string? Value { get; set; }

    [JsonPropertyName("unit")]
    [Description("Unit of the value.")]
    public string? Unit { get; set; }

    [JsonPropertyName("config")]
    [Description("Settings the figure was measured with.")]
    public IDictionary<string, string>? Config { get; set; }
}

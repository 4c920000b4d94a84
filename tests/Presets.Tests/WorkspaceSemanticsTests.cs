using k8s.Models;
using Kaito.Api.V1Beta1;
using Kaito.Presets;

namespace Kaito.Presets.Tests;

/// <summary>The decisions admission and reconcile share.</summary>
public sealed class WorkspaceSemanticsTests
{
    [Theory]
    [InlineData(true, false, null, null, Runtimes.Vllm)]
    [InlineData(false, false, null, null, Runtimes.Transformers)]                   // vLLM gate off
    [InlineData(true, true, null, null, Runtimes.Transformers)]                     // tuning
    [InlineData(true, false, Runtimes.Transformers, null, Runtimes.Transformers)]
    [InlineData(true, false, Runtimes.Vllm, "0.5", Runtimes.Vllm)]                  // explicit: the validator rejects the strength
    [InlineData(true, false, null, "0.5", Runtimes.Transformers)]                   // partial strength, no annotation
    [InlineData(true, false, null, "1.0", Runtimes.Vllm)]
    [InlineData(true, false, null, "1", Runtimes.Vllm)]
    [InlineData(true, false, "something-else", null, Runtimes.Vllm)]
    public void Runtime(bool vllmGate, bool tuning, string? annotation, string? strength, string expected)
    {
        var workspace = new Workspace
        {
            Metadata = new V1ObjectMeta { Name = "w", Annotations = annotation is null ? null : new Dictionary<string, string> { [Annotations.Runtime] = annotation } },
            Inference = tuning ? null : new InferenceSpec { Adapters = [new AdapterSpec { Strength = strength }] },
            Tuning = tuning ? new TuningSpec() : null,
        };
        Assert.Equal(expected, WorkspaceSemantics.Runtime(workspace, vllmGate));
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("True", false)]
    [InlineData("false", false)]
    [InlineData(null, false)]
    public void Only_the_exact_value_true_bypasses_the_fit_check(string? value, bool bypass) =>
        Assert.Equal(bypass, WorkspaceSemantics.BypassesResourceChecks(value is null ? null : new Dictionary<string, string> { [Annotations.BypassResourceChecks] = value }));

    [Fact]
    public void Node_shape_counts_the_allocatable_gpus_over_the_count_label()
    {
        var node = new V1Node
        {
            Metadata = new V1ObjectMeta
            {
                Name = "gpu-1",
                Labels = new Dictionary<string, string> { [NodeGpuLabels.Product] = "NVIDIA-A100-SXM4-80GB", [NodeGpuLabels.MemoryMiB] = "81920", [NodeGpuLabels.Count] = "8" },
            },
            Status = new V1NodeStatus { Allocatable = new Dictionary<string, ResourceQuantity> { [NodeGpuLabels.GpuResource] = new("4") } },
        };
        var shape = WorkspaceSemantics.NodeShape(node).Shape!;
        Assert.Equal(4, shape.GpuCount);
        Assert.Equal(80, shape.PerGpuMemoryGiB);
        node.Status = null;
        Assert.Equal(8, WorkspaceSemantics.NodeShape(node).Shape!.GpuCount);
        node.Metadata.Labels.Remove(NodeGpuLabels.MemoryMiB);
        Assert.Contains("gpu-1", WorkspaceSemantics.NodeShape(node).Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "qlora")]
    [InlineData("", "qlora")]
    [InlineData(" LoRA ", "lora")]
    [InlineData("QLORA", "qlora")]
    public void Tuning_method_is_lower_case_with_one_default(string? method, string expected) =>
        Assert.Equal(expected, WorkspaceSemantics.TuningMethod(method));
}

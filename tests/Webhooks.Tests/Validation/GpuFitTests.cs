using k8s.Models;
using Kaito.Api.V1Beta1;
using Kaito.Webhooks.Validation;
using static Kaito.Webhooks.Tests.Validation.Manifests;

namespace Kaito.Webhooks.Tests.Validation;

public sealed class GpuFitTests
{
    static FakeCluster A100Nodes(int count)
    {
        var cluster = new FakeCluster();
        for (var i = 1; i <= count; i++) cluster.WithGpuNode($"gpu-{i}", "NVIDIA-A100-PCIE-80GB", 1, 81920, ("apps", "phi-3"));
        return cluster;
    }

    [Fact]
    public void Provisioned_sku_too_small_suggests_skus_that_fit()
    {
        var workspace = Inference();
        workspace.Inference!.Preset!.Name = "falcon-40b";
        workspace.Resource!.InstanceType = "Standard_NC4as_T4_v3";
        var error = Single(Create(workspace), "resource.instanceType", FieldErrorType.Invalid);
        Assert.Contains("cheapest SKUs that fit: Standard_", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Transformers_runtime_is_checked_too()
    {
        var workspace = Inference();
        workspace.Inference!.Preset!.Name = "qwen2.5-coder-32b-instruct";
        workspace.Resource!.InstanceType = "Standard_NV36ads_A10_v5";
        workspace.Metadata.Annotations = new Dictionary<string, string> { [Annotations.Runtime] = Runtimes.Transformers };
        Single(Create(workspace), "resource.instanceType", FieldErrorType.Invalid);
    }

    [Fact]
    public void Fit_is_not_rechecked_on_update()
    {
        var workspace = Inference();
        workspace.Inference!.Preset!.Name = "qwen2.5-coder-32b-instruct";
        workspace.Resource!.InstanceType = "Standard_NC4as_T4_v3";
        var cluster = new FakeCluster();
        Valid(Update(workspace, workspace, cluster: cluster));
        Assert.Equal(0, cluster.NodeListings);
    }

    [Fact]
    public void Byo_fits_on_matching_nodes()
    {
        var cluster = A100Nodes(1);
        Valid(Create(ByoInference(), Byo, cluster));
        Assert.Equal(1, cluster.NodeListings);
    }

    [Fact]
    public void Byo_without_cluster_skips_with_a_warning()
    {
        var result = Create(ByoInference(), Byo);
        Valid(result);
        Assert.Contains(result.Warnings, w => w.Contains("GPU fit not checked", StringComparison.Ordinal));
    }

    [Fact]
    public void Byo_no_matching_nodes()
    {
        var cluster = new FakeCluster().WithGpuNode("other", "NVIDIA-A100-PCIE-80GB", 1, 81920, ("apps", "other"));
        var error = Single(Create(ByoInference(), Byo, cluster), "resource.labelSelector", FieldErrorType.Invalid);
        Assert.Contains("no node matches", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Byo_non_uniform_nodes_names_both()
    {
        var cluster = A100Nodes(1).WithGpuNode("gpu-t4", "Tesla-T4", 1, 15360, ("apps", "phi-3"));
        var error = Single(Create(ByoInference(), Byo, cluster), "resource.labelSelector", FieldErrorType.Invalid);
        Assert.Contains("gpu-1", error.Detail, StringComparison.Ordinal);
        Assert.Contains("gpu-t4", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Byo_node_without_gpu_labels()
    {
        var cluster = new FakeCluster();
        cluster.Nodes.Add(new V1Node { Metadata = new V1ObjectMeta { Name = "cpu-1", Labels = new Dictionary<string, string> { ["apps"] = "phi-3" } } });
        var error = Single(Create(ByoInference(), Byo, cluster), "resource.labelSelector", FieldErrorType.Invalid);
        Assert.Contains("cpu-1", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Byo_too_small()
    {
        var workspace = ByoInference();
        workspace.Inference!.Preset!.Name = "qwen2.5-coder-32b-instruct";
        var cluster = new FakeCluster().WithGpuNode("t4", "Tesla-T4", 1, 15360, ("apps", "phi-3"));
        var error = Single(Create(workspace, Byo, cluster), "resource.labelSelector", FieldErrorType.Invalid);
        Assert.Contains("t4", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Byo_needs_more_nodes_than_selected()
    {
        var workspace = ByoInference();
        workspace.Inference!.Preset!.Name = "llama-3.3-70b-instruct";
        workspace.Inference.Preset.PresetOptions = new PresetOptions { ModelAccessSecret = "hf" };
        var cluster = new FakeCluster().WithGpuNode("a10-1", "NVIDIA-A10", 2, 24576, ("apps", "phi-3"));
        var error = Single(Create(workspace, Byo, cluster), "resource.labelSelector", FieldErrorType.Invalid);
        Assert.Contains("selector matches 1", error.Detail, StringComparison.Ordinal);

        for (var i = 2; i <= 8; i++) cluster.WithGpuNode($"a10-{i}", "NVIDIA-A10", 2, 24576, ("apps", "phi-3"));
        Valid(Create(workspace, Byo, cluster));
    }

    [Fact]
    public void Byo_honours_match_expressions()
    {
        var workspace = ByoInference();
        workspace.Resource!.LabelSelector = new V1LabelSelector { MatchExpressions = [new V1LabelSelectorRequirement { Key = "apps", OperatorProperty = "In", Values = ["phi-3", "other"] }] };
        Valid(Create(workspace, Byo, A100Nodes(2)));
    }
}

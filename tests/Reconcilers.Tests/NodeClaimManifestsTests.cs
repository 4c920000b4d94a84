using k8s.Models;
using Kaito.Api.V1Beta1;
using Kaito.Presets;
using Kaito.Reconcilers.Manifests;

namespace Kaito.Reconcilers.Tests;

public class NodeClaimManifestsTests
{
    [Fact]
    public void Name_is_deterministic_and_differs_per_index_workspace_and_namespace()
    {
        var a = Fixtures.Inference(name: "alpha");
        Assert.Equal(NodeClaimManifests.Name(a, 0), NodeClaimManifests.Name(Fixtures.Inference(name: "alpha"), 0));
        var names = new[]
        {
            NodeClaimManifests.Name(a, 0),
            NodeClaimManifests.Name(a, 1),
            NodeClaimManifests.Name(Fixtures.Inference(name: "beta"), 0),
            NodeClaimManifests.Name(Fixtures.Inference(name: "alpha", ns: "other"), 0),
        };
        Assert.Equal(names.Length, names.Distinct(StringComparer.Ordinal).Count());
        Assert.All(names, n => Assert.Matches("^ws[0-9a-f]{10}-[0-9]+$", n));
    }

    [Fact]
    public void Name_is_a_dns_label_even_for_long_names()
    {
        var ws = Fixtures.Inference(name: new string('a', 63), ns: new string('b', 63));
        var name = NodeClaimManifests.Name(ws, int.MaxValue);
        Assert.True(name.Length <= 63, name);
        Assert.Matches("^[a-z][a-z0-9-]*[a-z0-9]$", name);
    }

    [Fact]
    public void Labels_include_selector_minus_reserved_keys_and_single_value_in_expressions()
    {
        var ws = Fixtures.Inference(name: "ws1");
        ws.Resource!.LabelSelector = new V1LabelSelector
        {
            MatchLabels = new Dictionary<string, string> { ["apps"] = "x", [Labels.Workspace] = "spoof", ["karpenter.kaito.sh/workspace-name"] = "spoof" },
            MatchExpressions =
            [
                new V1LabelSelectorRequirement { Key = "tier", OperatorProperty = "In", Values = ["gpu"] },
                new V1LabelSelectorRequirement { Key = "zone", OperatorProperty = "In", Values = ["a", "b"] },
                new V1LabelSelectorRequirement { Key = "pool", OperatorProperty = "NotIn", Values = ["cpu"] },
            ],
        };
        var labels = NodeClaimManifests.Build(ws, "Standard_NC24ads_A100_v4", 0, "azure", null).Metadata.Labels;
        Assert.Equal("x", labels["apps"]);
        Assert.Equal("gpu", labels["tier"]);
        Assert.Equal("ws1", labels[Labels.Workspace]);
        Assert.Equal("default", labels[Labels.WorkspaceNamespace]);
        Assert.Equal("kaito", labels["karpenter.sh/nodepool"]);
        Assert.False(labels.ContainsKey("zone"));
        Assert.False(labels.ContainsKey("pool"));
        Assert.False(labels.ContainsKey("karpenter.kaito.sh/workspace-name"));
        Assert.Equal(labels.Keys.Order(StringComparer.Ordinal), labels.Keys);
    }

    [Fact]
    public void Azure_claim_has_taint_requirements_node_class_and_no_namespace()
    {
        var claim = NodeClaimManifests.Build(Fixtures.Inference(), "Standard_NC24ads_A100_v4", 0, "azure", null);
        Assert.Null(claim.Metadata.NamespaceProperty);
        Assert.Null(claim.Metadata.OwnerReferences);
        Assert.Equal("true", claim.Metadata.Annotations["karpenter.sh/do-not-disrupt"]);
        Assert.Equal("ubuntu", claim.Metadata.Annotations[Annotations.NodeImageFamily]);
        var taint = Assert.Single(claim.Spec!.Taints!);
        Assert.Equal(("sku", "gpu", "NoSchedule"), (taint.Key, taint.Value, taint.Effect));
        Assert.Contains(claim.Spec.Requirements!, r => r.Key == "karpenter.azure.com/sku-name" && r.Values!.Single() == "Standard_NC24ads_A100_v4");
        Assert.Contains(claim.Spec.Requirements!, r => r.Key == "kubernetes.io/os" && r.Values!.Single() == "linux");
        Assert.Equal(("kaito.sh", "KaitoNodeClass", "default"), (claim.Spec.NodeClassRef!.Group, claim.Spec.NodeClassRef.Kind, claim.Spec.NodeClassRef.Name));
    }

    [Fact]
    public void Aws_claim_requires_gpus_and_uses_ec2_node_class()
    {
        var claim = NodeClaimManifests.Build(Fixtures.Inference(), "p4d.24xlarge", 0, "aws", null);
        Assert.Contains(claim.Spec!.Requirements!, r => r.Key == "karpenter.k8s.aws/instance-gpu-count" && r.Operator == "Gt" && r.Values!.Single() == "0");
        Assert.DoesNotContain(claim.Spec.Requirements!, r => r.Key == "karpenter.azure.com/sku-name");
        Assert.Equal(("karpenter.k8s.aws", "EC2NodeClass"), (claim.Spec.NodeClassRef!.Group, claim.Spec.NodeClassRef.Kind));
    }

    [Theory]
    [InlineData("AzureLinux ", "azurelinux")]
    [InlineData("ubuntu", "ubuntu")]
    [InlineData("windows", "ubuntu")]
    public void Image_family_comes_from_a_valid_annotation(string asked, string expected)
    {
        var ws = Fixtures.Inference();
        ws.Metadata.Annotations = new Dictionary<string, string> { [Annotations.NodeImageFamily] = asked };
        Assert.Equal(expected, NodeClaimManifests.Build(ws, "x", 0, "azure", null).Metadata.Annotations[Annotations.NodeImageFamily]);
    }

    [Theory]
    [InlineData("phi-3-mini-4k-instruct", "100Gi")]
    [InlineData("llama-3.3-70b-instruct", "212Gi")]
    public void The_disk_the_reconciler_asks_for_is_sized_from_the_inference_model(string preset, string storage)
    {
        // Built the way the reconciler and the Karpenter NodePool build it: from the Workspace alone (it once got 1024Gi
        // because the model was an optional argument the reconciler never passed).
        var ws = Fixtures.Inference(preset);
        Assert.Equal(storage, NodeClaimManifests.Build(ws, "Standard_NC24ads_A100_v4", 0, "azure", null).Spec!.Resources!.Requests!["storage"].ToString());
        Assert.Equal(storage, NodePoolManifests.Build(ws, "Standard_NC24ads_A100_v4", "azure", 1, null).Spec!.Template!.Spec!.Resources!.Requests!["storage"].ToString());
    }

    [Fact]
    public void A_hugging_face_model_outside_the_catalog_gets_the_disk_of_the_model_the_plan_resolved()
    {
        var ws = Fixtures.Inference("llama-3.3-70b-instruct");
        var hubModel = Kaito.Presets.ModelCatalog.Default.Find("llama-3.3-70b-instruct")! with { Name = "example-org/llama-style-70b", Aliases = [] };
        ws.Inference!.Preset!.Name = hubModel.Name;

        Assert.Equal("212Gi", NodeClaimManifests.Build(ws, "Standard_NC24ads_A100_v4", 0, "azure", hubModel).Spec!.Resources!.Requests!["storage"].ToString());
        Assert.Equal("212Gi", NodePoolManifests.Build(ws, "Standard_NC24ads_A100_v4", "azure", 1, hubModel).Spec!.Template!.Spec!.Resources!.Requests!["storage"].ToString());
        Assert.Equal("1Ti", NodeClaimManifests.Build(ws, "Standard_NC24ads_A100_v4", 0, "azure", null).Spec!.Resources!.Requests!["storage"].ToString());
    }

    [Fact]
    public void Tuning_and_custom_templates_get_a_1024Gi_disk()
    {
        var ws = Fixtures.Inference();
        ws.Tuning = new TuningSpec { Preset = ws.Inference!.Preset, Method = "qlora" };
        ws.Inference = null;
        Assert.Equal("1024Gi", WorkspaceSemantics.NodeStorage(ws));
        ws.Tuning = null;
        ws.Inference = new InferenceSpec();
        Assert.Equal("1024Gi", WorkspaceSemantics.NodeStorage(ws));
    }
}

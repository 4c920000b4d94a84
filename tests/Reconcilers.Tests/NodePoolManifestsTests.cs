using Kaito.Api.V1Beta1;
using Kaito.Reconcilers.Manifests;

namespace Kaito.Reconcilers.Tests;

public sealed class NodePoolManifestsTests
{
    [Fact]
    public void Pool_is_named_after_namespace_and_workspace_and_long_names_are_shortened_with_a_hash()
    {
        var shortName = Fixtures.Inference(name: "ws1", ns: "team");
        var longName = Fixtures.Inference(name: new string('w', 40), ns: new string('n', 40));
        var otherLong = Fixtures.Inference(name: new string('w', 41), ns: new string('n', 40));

        Assert.Equal("team-ws1", NodePoolManifests.Name(shortName));
        Assert.True(NodePoolManifests.Name(longName).Length <= 63);
        Assert.NotEqual(NodePoolManifests.Name(longName), NodePoolManifests.Name(otherLong));
    }

    [Fact]
    public void Template_carries_the_workspace_labels_instance_type_and_gpu_taint_but_leaves_the_pool_label_to_karpenter()
    {
        var pool = NodePoolManifests.Build(Fixtures.Inference(), "Standard_NC24ads_A100_v4", "azure", 2, null);

        Assert.Equal(2, pool.Spec!.Replicas);
        var labels = pool.Spec.Template!.Metadata!.Labels!;
        Assert.Equal("ws1", labels[Labels.Workspace]);
        Assert.Equal("ws1", labels["apps"]);
        Assert.False(labels.ContainsKey("karpenter.sh/nodepool"));
        var spec = pool.Spec.Template.Spec!;
        Assert.Contains(spec.Requirements!, r => r.Key == "node.kubernetes.io/instance-type" && r.Values!.Single() == "Standard_NC24ads_A100_v4");
        Assert.DoesNotContain(spec.Requirements!, r => r.Key == "karpenter.sh/nodepool");
        Assert.Contains(spec.Taints!, t => t.Key == "sku" && t.Value == "gpu" && t.Effect == "NoSchedule");
        Assert.Equal(("karpenter.azure.com", "AKSNodeClass", "image-family-ubuntu"), (spec.NodeClassRef!.Group, spec.NodeClassRef.Kind, spec.NodeClassRef.Name));
    }

    [Fact]
    public void Node_class_follows_the_workspace_annotation_and_the_cloud()
    {
        var workspace = Fixtures.Inference();
        workspace.Metadata.Annotations = new Dictionary<string, string> { [Annotations.NodeClassName] = "image-family-azure-linux" };

        Assert.Equal("image-family-azure-linux", NodePoolManifests.NodeClass(workspace, "azure").Name);
        Assert.Equal(("karpenter.k8s.aws", "EC2NodeClass", "default"),
            (NodePoolManifests.NodeClass(Fixtures.Inference(), "aws").Group, NodePoolManifests.NodeClass(Fixtures.Inference(), "aws").Kind, NodePoolManifests.NodeClass(Fixtures.Inference(), "aws").Name));
    }
}

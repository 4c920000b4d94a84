using Kaito.Reconcilers.RAGEngines;
using Kaito.Reconcilers.Workspaces;
using static Kaito.Reconcilers.Tests.RAGEngines.RAGEngineFixtures;
using Kaito.Reconcilers.Shared;

namespace Kaito.Reconcilers.Tests.RAGEngines;

public sealed class RAGEnginePlannerTests
{
    static readonly ReconcilerSettings AutoProvisioning = new();
    static readonly ReconcilerSettings OwnNodes = new(Kaito.Presets.NodeProvisioning.BringYourOwn);

    [Fact]
    public void Local_embedding_on_a_gpu_sku_gets_the_skus_gpus_and_a_nodeclaim()
    {
        var plan = RAGEnginePlanner.Plan(Local(), AutoProvisioning);

        Assert.Equal(1, plan.Gpus);
        Assert.True(plan.ProvisionNodeClaim);
        Assert.Equal("Standard_NC4as_T4_v3", plan.InstanceType);
        Assert.Null(plan.CpuNodeSelector);
    }

    [Fact]
    public void Remote_embedding_needs_no_gpu_node_and_no_nodeclaim()
    {
        var plan = RAGEnginePlanner.Plan(Remote(), AutoProvisioning);

        Assert.False(plan.NeedsGpuNode);
        Assert.False(plan.ProvisionNodeClaim);
        Assert.Null(plan.CpuNodeSelector);
    }

    [Fact]
    public void Local_embedding_on_a_cpu_vm_size_runs_on_cpu()
    {
        var plan = RAGEnginePlanner.Plan(Local("Standard_D8s_v3"), AutoProvisioning);

        Assert.Equal(0, plan.Gpus);
        Assert.False(plan.ProvisionNodeClaim);
    }

    [Fact]
    public void On_own_nodes_a_cpu_service_follows_the_label_selector_and_a_gpu_one_provisions_nothing()
    {
        var cpu = RAGEnginePlanner.Plan(Remote(), OwnNodes);
        var gpu = RAGEnginePlanner.Plan(Local(), OwnNodes);

        Assert.Equal("rag", cpu.CpuNodeSelector!.MatchLabels["apps"]);
        Assert.Equal(1, gpu.Gpus);
        Assert.False(gpu.ProvisionNodeClaim);
    }

    [Fact]
    public void Own_gpu_node_keeps_the_current_one_then_prefers_preferred_nodes_and_skips_unready_or_cpu_nodes()
    {
        var rag = Local();
        rag.Spec!.Compute!.PreferredNodes = ["b"];
        var nodes = new[] { Node("a", 1), Node("b", 1), Node("c", 1, ready: false), Node("d", 0), Node("e", 1, labels: []) };

        Assert.Equal("b", RAGEnginePlanner.PickOwnGpuNode(rag, nodes));
        rag.Status = new Api.V1Beta1.RAGEngineStatus { WorkerNodes = ["a"] };
        Assert.Equal("a", RAGEnginePlanner.PickOwnGpuNode(rag, nodes));
        Assert.Null(RAGEnginePlanner.PickOwnGpuNode(rag, [Node("c", 1, ready: false), Node("d", 0)]));
    }

    [Fact]
    public void Under_auto_provisioning_only_a_named_preferred_gpu_node_that_matches_is_used()
    {
        var rag = Local();
        var nodes = new[] { Node("a", 1), Node("b", 1), Node("c", 1, ready: false), Node("e", 1, labels: []) };

        Assert.Null(RAGEnginePlanner.PickPreferredGpuNode(rag, nodes));   // none named: a NodeClaim is made
        rag.Spec!.Compute!.PreferredNodes = ["b"];
        Assert.Equal("b", RAGEnginePlanner.PickPreferredGpuNode(rag, nodes));
        rag.Spec.Compute.PreferredNodes = ["c", "e", "missing"];
        Assert.Null(RAGEnginePlanner.PickPreferredGpuNode(rag, nodes));   // not ready, not matching, not there
    }
}

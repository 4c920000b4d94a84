using k8s;
using k8s.Models;
using Kaito.Api.Karpenter;
using Kaito.Api.V1Beta1;
using Kaito.Presets;
using Kaito.Reconcilers.Manifests;
using Kaito.Reconcilers.Tests.Support;

namespace Kaito.Reconcilers.Tests.Workspaces;

/// <summary>An instance type the catalog does not list: the first node is provisioned before planning, and its NVIDIA labels decide the plan.</summary>
public sealed class UnlistedSkuReconcileTests
{
    const string Unlisted = "Standard_ND96asr_v4";
    const string ClaimsPath = "/apis/karpenter.sh/v1/nodeclaims";

    static Workspace On(string preset, string? declared = null)
    {
        var ws = Fixtures.Inference(preset);
        ws.Resource!.InstanceType = Unlisted;
        if (declared is not null) ws.Metadata.Annotations = new Dictionary<string, string> { [Annotations.SkuGpus] = declared };
        return ws;
    }

    static List<NodeClaim> CreatedClaims(WorkspaceWorld world) =>
        [.. world.Api.Writes.Where(r => r.Method == "POST" && r.Path == ClaimsPath).Select(r => KubernetesJson.Deserialize<NodeClaim>(r.Body))];

    static string? Resource(WorkspaceWorld world, Workspace ws, out string? reason, out string? message)
    {
        var condition = world.Observe(ws).Status?.Conditions?.FirstOrDefault(c => c.Type == ConditionTypes.ResourceReady);
        (reason, message) = (condition?.Reason, condition?.Message);
        return condition?.Status;
    }

    [Fact]
    public async Task The_first_node_is_provisioned_before_planning_and_its_labels_plan_the_workload()
    {
        var world = new WorkspaceWorld();
        var ws = world.Add(On("phi-3-mini-4k-instruct"));

        await world.ReconcileAsync(ws);
        var claim = Assert.Single(CreatedClaims(world));
        Assert.Equal(NodeClaimManifests.Name(ws, 0), claim.Metadata.Name);
        Assert.Contains(claim.Spec!.Requirements!, r => r.Key == "node.kubernetes.io/instance-type" && r.Values!.SequenceEqual([Unlisted]));
        Assert.Equal("False", Resource(world, ws, out var reason, out var message));
        Assert.Equal("WaitingForNodeGpus", reason);
        Assert.Contains("not in the azure GPU catalog", message, StringComparison.Ordinal);
        Assert.DoesNotContain(world.Api.Writes, r => r.Path.Contains("/deployments/", StringComparison.Ordinal));

        // A second pass before the node exists creates nothing more.
        world.NodeClaims.Put(claim);
        world.Api.Requests.Clear();
        await world.ReconcileAsync(ws);
        Assert.Empty(CreatedClaims(world));

        world.ProvisionNode(claim, Unlisted, gpus: 8);
        world.Api.Requests.Clear();
        await world.ReconcileAsync(ws);
        var deployment = world.Api.Writes.Single(r => r.Path.EndsWith("/deployments/ws1", StringComparison.Ordinal));
        var gpus = KubernetesJson.Deserialize<V1Deployment>(deployment.Body).Spec.Template.Spec.Containers[0].Resources.Limits["nvidia.com/gpu"];
        Assert.Equal("8", gpus.ToString());
        Assert.Empty(CreatedClaims(world));
        Assert.Equal("True", Resource(world, ws, out _, out _));
    }

    [Fact]
    public async Task A_ready_preferred_node_of_the_size_is_read_for_its_gpus_and_nothing_is_provisioned_to_read_them()
    {
        var world = new WorkspaceWorld();
        var ws = On("phi-3-mini-4k-instruct");
        ws.Resource!.PreferredNodes = ["users-nd96"];
        world.Nodes.Put(WorkspaceWorld.GpuNode("users-nd96", Unlisted, gpus: 8, ws.Resource.LabelSelector!.MatchLabels));
        world.Add(ws);

        await world.ReconcileAsync(ws);

        Assert.Empty(CreatedClaims(world));
        var deployment = world.Api.Writes.Single(r => r.Path.EndsWith("/deployments/ws1", StringComparison.Ordinal));
        var spec = KubernetesJson.Deserialize<V1Deployment>(deployment.Body).Spec.Template.Spec;
        Assert.Equal("8", spec.Containers[0].Resources.Limits["nvidia.com/gpu"].ToString());
        Assert.Equal("True", Resource(world, ws, out _, out _));
    }

    [Fact]
    public async Task A_model_that_needs_more_nodes_than_the_first_gets_them_once_its_gpus_are_known()
    {
        var world = new WorkspaceWorld();
        var ws = world.Add(On("llama-3.3-70b-instruct"));
        await world.ReconcileAsync(ws);
        var first = Assert.Single(CreatedClaims(world));
        world.ProvisionNode(first, Unlisted, gpus: 1);   // one 80 GiB GPU per node: 70B needs several
        world.Api.Requests.Clear();

        await world.ReconcileAsync(ws);

        var more = CreatedClaims(world);
        Assert.NotEmpty(more);
        Assert.DoesNotContain(more, c => c.Metadata.Name == first.Metadata.Name);
        Assert.DoesNotContain(world.Api.Writes, r => r.Path.Contains("/statefulsets/", StringComparison.Ordinal));
        var expected = CapacityPlanner.Plan(new PlanRequest(ModelCatalog.Default.Find("llama-3.3-70b-instruct")!,
            new GpuShape(1, 80, "NVIDIA-A100-PCIE-80GB", 8.0, "test"), Runtimes.Vllm));
        Assert.True(expected.Fits, expected.Reason);
        Assert.Equal(expected.Nodes - 1, more.Count);
    }

    [Fact]
    public async Task Declared_gpus_plan_at_once_and_a_model_that_does_not_fit_them_provisions_nothing()
    {
        var world = new WorkspaceWorld();
        var ws = world.Add(On("falcon-40b", declared: "1x16Gi/V100"));   // 78 GiB of weights, one node only

        await world.ReconcileAsync(ws);

        Assert.Empty(CreatedClaims(world));
        Assert.Equal("False", Resource(world, ws, out var reason, out _));
        Assert.Equal("ModelDoesNotFit", reason);
    }

    [Fact]
    public async Task Declared_gpus_that_fit_provision_the_planned_nodes_at_once()
    {
        var world = new WorkspaceWorld();
        var ws = world.Add(On("phi-3-mini-4k-instruct", declared: "8x40Gi/A100"));

        await world.ReconcileAsync(ws);

        Assert.Single(CreatedClaims(world));
        Assert.Equal("False", Resource(world, ws, out var reason, out _));
        Assert.NotEqual("WaitingForNodeGpus", reason);
    }

    [Fact]
    public async Task A_nodeclaim_the_cloud_cannot_fill_shows_its_reason_in_status()
    {
        var world = new WorkspaceWorld();
        var ws = world.Add(On("phi-3-mini-4k-instruct"));
        await world.ReconcileAsync(ws);
        var claim = Assert.Single(CreatedClaims(world));
        claim.Status = new NodeClaimStatus
        {
            Conditions = [new V1Condition { Type = "Launched", Status = "False", Reason = "InstanceTypeUnknown", Message = "the cloud sells no such size", LastTransitionTime = WorkspaceWorld.T0.UtcDateTime }],
        };
        world.NodeClaims.Put(claim);

        await world.ReconcileAsync(ws);

        Assert.Equal("False", Resource(world, ws, out var reason, out var message));
        Assert.Equal("InstanceTypeUnknown", reason);
        Assert.Contains("the cloud sells no such size", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_name_that_is_no_gpu_size_is_never_provisioned()
    {
        var world = new WorkspaceWorld();
        var ws = Fixtures.Inference("phi-3-mini-4k-instruct");
        ws.Resource!.InstanceType = "Standard_D8s_v3";
        world.Add(ws);

        await world.ReconcileAsync(ws);

        Assert.Empty(CreatedClaims(world));
        Assert.Equal("False", Resource(world, ws, out var reason, out var message));
        Assert.Equal("InstanceTypeUnknown", reason);
        Assert.Contains("no GPU size", message, StringComparison.Ordinal);
    }
}

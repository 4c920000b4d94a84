using System.Net;
using k8s;
using k8s.Models;
using Kaito.Api.Karpenter;
using Kaito.Api.V1Beta1;
using Kaito.Presets;
using Kaito.Reconcilers.Manifests;
using Kaito.Reconcilers.Runtime;
using Kaito.Reconcilers.Tests.Support;
using Kaito.Reconcilers.Workspaces;
using Kaito.Reconcilers.Shared;

namespace Kaito.Reconcilers.Tests.Workspaces;

/// <summary>The Workspace reconciler pass by pass, on in-memory caches, a recording API server and a fake clock.</summary>
public sealed class WorkspaceReconcilerTests
{
    const string Sku = "Standard_NC24ads_A100_v4";
    const string ClaimsPath = "/apis/karpenter.sh/v1/nodeclaims";

    static Workspace Phi3() => Fixtures.Inference("phi-3-mini-4k-instruct");

    static string? Condition(Workspace ws, string type, out string? reason) => ConditionOf.Status(ws.Status?.Conditions, type, out reason);

    [Fact]
    public async Task A_new_workspace_gets_one_nodeclaim_sized_for_its_model_and_a_status_that_waits_for_it()
    {
        var world = new WorkspaceWorld();
        var ws = world.Add(Phi3());

        var result = await world.ReconcileAsync(ws);

        var create = Assert.Single(world.Api.Writes, r => r.Method == "POST");
        Assert.Equal(ClaimsPath, create.Path);
        var claim = KubernetesJson.Deserialize<NodeClaim>(create.Body);
        Assert.Equal(NodeClaimManifests.Name(ws, 0), claim.Metadata.Name);
        Assert.Equal("100Gi", claim.Spec!.Resources!.Requests!["storage"].ToString());
        Assert.Equal([("PATCH", WorkspaceWorld.WorkspacePath(ws) + "/status")], world.Api.Writes.Where(r => r.Method == "PATCH").Select(r => (r.Method, r.Path)));
        Assert.Equal("NodeClaimCreated", Assert.Single(world.Api.Events).Json["reason"]!.GetValue<string>());
        Assert.Equal(TimeSpan.FromSeconds(15), result.RequeueAfter);
        Assert.Equal("False", Condition(world.Observe(ws), ConditionTypes.NodeClaimReady, out _));
    }

    [Fact]
    public async Task Ready_nodes_get_the_service_and_deployment_and_once_they_are_ready_an_idle_pass_writes_nothing()
    {
        var world = new WorkspaceWorld();
        var ws = world.Add(Phi3());
        world.ProvisionNode(NodeClaimManifests.Build(ws, Sku, 0, "azure", null), Sku);

        await world.ReconcileAsync(ws);
        var applied = world.Api.Writes.Where(r => r.Method == "PATCH" && r.ContentType == "application/apply-patch+yaml").ToList();
        Assert.Equal(["/api/v1/namespaces/default/services/ws1", "/apis/apps/v1/namespaces/default/deployments/ws1"], applied.Select(r => r.Path));
        Assert.DoesNotContain(world.Api.Requests, r => r.Method == "POST" && r.Path == ClaimsPath);

        // The informers now show what was applied, rolled out and ready.
        var deployment = KubernetesJson.Deserialize<V1Deployment>(applied[1].Body);
        deployment.Metadata.Generation = 1;
        deployment.Status = new V1DeploymentStatus { ObservedGeneration = 1, Replicas = 1, UpdatedReplicas = 1, ReadyReplicas = 1 };
        world.Deployments.Put(deployment);
        world.Services.Put(KubernetesJson.Deserialize<V1Service>(applied[0].Body));
        world.Observe(ws);
        world.Api.Requests.Clear();

        Assert.Equal(ReconcileResult.Done, await world.ReconcileAsync(ws));
        Assert.Equal("True", Condition(world.Observe(ws), ConditionTypes.WorkspaceSucceeded, out _));
        Assert.Equal([WorkspaceWorld.WorkspacePath(ws) + "/status"], world.Api.Writes.Select(r => r.Path));

        world.Api.Requests.Clear();
        world.Time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(ReconcileResult.Done, await world.ReconcileAsync(ws));
        Assert.Empty(world.Api.Requests);
    }

    [Fact]
    public async Task Under_karpenter_the_workspace_gets_a_nodepool_instead_of_nodeclaims()
    {
        var world = new WorkspaceWorld(new ReconcilerSettings(NodeProvisioning.Karpenter));
        var ws = world.Add(Phi3());

        await world.ReconcileAsync(ws);

        Assert.DoesNotContain(world.Api.Requests, r => r.Path == ClaimsPath);
        var pool = KubernetesJson.Deserialize<NodePool>(Assert.Single(world.Api.Writes, r => r.Method == "POST").Body);
        Assert.Equal(NodePoolManifests.Name(ws), pool.Metadata.Name);
        Assert.Equal(1, pool.Spec!.Replicas);
        Assert.Equal("100Gi", pool.Spec.Template!.Spec!.Resources!.Requests!["storage"].ToString());
    }

    [Fact]
    public async Task Bringing_your_own_nodes_without_a_matching_node_says_so_and_writes_nothing_else()
    {
        var world = new WorkspaceWorld(new ReconcilerSettings(NodeProvisioning.BringYourOwn));
        var ws = world.Add(Phi3());
        world.Nodes.Put(WorkspaceWorld.GpuNode("someone-elses", Sku, 1, new Dictionary<string, string> { ["apps"] = "other" }));

        await world.ReconcileAsync(ws);

        Assert.Equal([WorkspaceWorld.WorkspacePath(ws) + "/status"], world.Api.Writes.Select(r => r.Path));
        Assert.Equal("False", Condition(world.Observe(ws), ConditionTypes.ResourceReady, out var reason));
        Assert.Equal("NoMatchingNodes", reason);
    }

    [Fact]
    public async Task Bringing_your_own_nodes_uses_the_matching_node_without_any_nodeclaim()
    {
        var world = new WorkspaceWorld(new ReconcilerSettings(NodeProvisioning.BringYourOwn));
        var ws = world.Add(Phi3());
        world.Nodes.Put(WorkspaceWorld.GpuNode("mine", Sku, 1, new Dictionary<string, string> { ["apps"] = "ws1" }));

        await world.ReconcileAsync(ws);

        Assert.DoesNotContain(world.Api.Requests, r => r.Path.Contains("nodeclaims", StringComparison.Ordinal));
        var deployment = KubernetesJson.Deserialize<V1Deployment>(Assert.Single(world.Api.Writes, r => r.Path.EndsWith("/deployments/ws1", StringComparison.Ordinal)).Body);
        Assert.Contains("mine", deployment.Spec.Template.Spec.Affinity!.NodeAffinity!.RequiredDuringSchedulingIgnoredDuringExecution!.NodeSelectorTerms[0].MatchExpressions[0].Values);
    }

    [Fact]
    public async Task A_paused_workspace_is_left_alone()
    {
        var world = new WorkspaceWorld();
        var ws = Phi3();
        ws.Metadata.Annotations = new Dictionary<string, string> { [Annotations.Paused] = "true" };
        world.Add(ws);

        Assert.Equal(ReconcileResult.Done, await world.ReconcileAsync(ws));
        Assert.Empty(world.Api.Requests);
    }

    [Fact]
    public async Task Deletion_releases_the_nodeclaims_first_and_the_finalizer_once_they_are_gone()
    {
        var world = new WorkspaceWorld();
        var ws = Phi3();
        ws.Metadata.DeletionTimestamp = WorkspaceWorld.T0.UtcDateTime;
        world.Add(ws);
        var claim = NodeClaimManifests.Build(ws, Sku, 0, "azure", null);
        world.ProvisionNode(claim, Sku);

        var first = await world.ReconcileAsync(ws);
        Assert.Equal(TimeSpan.FromSeconds(2), first.RequeueAfter);
        Assert.Contains(world.Api.Writes, r => r.Method == "DELETE" && r.Path == $"{ClaimsPath}/{claim.Metadata.Name}");
        Assert.DoesNotContain(world.Api.Writes, r => r.Method == "PATCH" && r.Path == WorkspaceWorld.WorkspacePath(ws));
        Assert.Equal("True", Condition(world.Observe(ws), ConditionTypes.WorkspaceDeleting, out _));

        world.NodeClaims.Remove("", claim.Metadata.Name);
        world.Api.Requests.Clear();
        Assert.Equal(ReconcileResult.Done, await world.ReconcileAsync(ws));
        var release = Assert.Single(world.Api.Writes, r => r.Method == "PATCH" && r.Path == WorkspaceWorld.WorkspacePath(ws));
        Assert.Empty(release.Json["metadata"]!["finalizers"]!.AsArray());
    }

    [Fact]
    public async Task A_refused_nodeclaim_shows_in_status_once_and_the_step_is_retried()
    {
        var world = new WorkspaceWorld();
        var ws = world.Add(Phi3());
        world.Api.Fail(r => r.Method == "POST" && r.Path == ClaimsPath, HttpStatusCode.Forbidden, "Forbidden",
            "nodeclaims.karpenter.sh is forbidden: User \"system:serviceaccount:kaito-system:kaito\" cannot create resource \"nodeclaims\"");

        var failure = await Assert.ThrowsAsync<StepFailure>(() => world.ReconcileAsync(ws));
        Assert.False(failure.Terminal);
        Assert.Equal("False", Condition(world.Observe(ws), ConditionTypes.NodeClaimReady, out var reason));
        Assert.Equal("Forbidden", reason);
        Assert.Contains("cannot create resource", ws.Status!.Conditions!.Single(c => c.Type == ConditionTypes.WorkspaceSucceeded).Message, StringComparison.Ordinal);
        Assert.Equal("Forbidden", Assert.Single(world.Api.Events).Json["reason"]!.GetValue<string>());

        // The same refusal again: no second status write, no second Event.
        world.Api.Requests.Clear();
        await Assert.ThrowsAsync<StepFailure>(() => world.ReconcileAsync(ws));
        Assert.Equal(["POST " + ClaimsPath], world.Api.Writes.Select(r => r.ToString()));
        Assert.Empty(world.Api.Events);
    }

    [Fact]
    public async Task An_invalid_workload_is_reported_and_not_retried()
    {
        var world = new WorkspaceWorld();
        var ws = world.Add(Phi3());
        world.ProvisionNode(NodeClaimManifests.Build(ws, Sku, 0, "azure", null), Sku);
        world.Api.Fail(r => r.Path.EndsWith("/deployments/ws1", StringComparison.Ordinal), HttpStatusCode.UnprocessableEntity, "Invalid", "Deployment.apps \"ws1\" is invalid: spec.template.spec.containers[0].image: Required value");

        Assert.Equal(ReconcileResult.Done, await world.ReconcileAsync(ws));
        Assert.Equal("False", Condition(world.Observe(ws), ConditionTypes.InferenceReady, out var reason));
        Assert.Equal("Invalid", reason);
        Assert.Contains("not retried until the Workspace changes", ws.Status!.Conditions!.Single(c => c.Type == ConditionTypes.InferenceReady).Message, StringComparison.Ordinal);
    }

    /// <summary>A QLoRA Workspace whose input is a URL and whose output is an image, its GPU node ready.</summary>
    static (WorkspaceWorld World, Workspace Workspace) TuningFromUrlsOnAReadyNode()
    {
        var world = new WorkspaceWorld();
        var ws = Fixtures.Inference();
        ws.Tuning = new TuningSpec
        {
            Preset = ws.Inference!.Preset, Method = "qlora",
            Input = new DataSource { Urls = ["https://example.com/data.parquet"] },
            Output = new DataDestination { Image = "registry.example.com/adapter:1", ImagePushSecret = "push" },
        };
        ws.Inference = null;
        world.Add(ws);
        world.ProvisionNode(NodeClaimManifests.Build(ws, Sku, 0, "azure", null), Sku);
        return (world, ws);
    }

    [Theory]
    [InlineData(1, 0, "True", "TuningJobSucceeded", WorkspaceStates.Succeeded)]
    [InlineData(0, 1, "False", "TuningJobFailed", WorkspaceStates.Failed)]
    public async Task A_tuning_job_that_ends_decides_the_workspace(int succeeded, int failed, string status, string reason, string state)
    {
        var (world, ws) = TuningFromUrlsOnAReadyNode();
        await world.ReconcileAsync(ws);
        var job = KubernetesJson.Deserialize<V1Job>(Assert.Single(world.Api.Writes, r => r.Method == "POST" && r.Path.EndsWith("/jobs", StringComparison.Ordinal)).Body);

        job.Status = new V1JobStatus { Succeeded = succeeded, Failed = failed };
        world.Jobs.Put(job);
        world.Observe(ws);
        Assert.Equal(ReconcileResult.Done, await world.ReconcileAsync(ws));

        Assert.Equal(status, Condition(world.Observe(ws), ConditionTypes.WorkspaceSucceeded, out var actual));
        Assert.Equal(reason, actual);
        Assert.Equal(state, ws.Status!.State);
    }

    [Fact]
    public async Task A_tuning_job_that_downloads_urls_gets_its_egress_policy_before_the_job_and_only_then()
    {
        var (world, ws) = TuningFromUrlsOnAReadyNode();

        await world.ReconcileAsync(ws);

        const string PolicyPath = "/apis/networking.k8s.io/v1/namespaces/default/networkpolicies/ws1-download-egress";
        var writes = world.Api.Writes.ToList();
        var policy = writes.FindIndex(r => r.Method == "PATCH" && r.Path == PolicyPath);
        var job = writes.FindIndex(r => r.Method == "POST" && r.Path.EndsWith("/jobs", StringComparison.Ordinal));
        Assert.InRange(policy, 0, job - 1);
        var applied = KubernetesJson.Deserialize<V1NetworkPolicy>(writes[policy].Body);
        Assert.Equal(["Egress"], applied.Spec.PolicyTypes);
        Assert.Equal("ws1", applied.Spec.PodSelector.MatchLabels["kaito.sh/workspace"]);

        // Once the Job exists its pod has started (or will, with the policy in place): no further writes of the policy.
        world.Jobs.Put(KubernetesJson.Deserialize<V1Job>(writes[job].Body));
        world.Observe(ws);
        world.Api.Requests.Clear();
        await world.ReconcileAsync(ws);
        Assert.DoesNotContain(world.Api.Requests, r => r.Path == PolicyPath);
    }
}

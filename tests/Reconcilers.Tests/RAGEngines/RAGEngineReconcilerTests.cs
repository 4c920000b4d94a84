using System.Net;
using k8s;
using k8s.Models;
using Kaito.Api.Karpenter;
using Kaito.Api.V1Beta1;
using Kaito.Reconcilers.RAGEngines;
using Kaito.Reconcilers.Runtime;
using Kaito.Reconcilers.Tests.Support;
using Kaito.Reconcilers.Workspaces;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Kaito.Reconcilers.Shared;

namespace Kaito.Reconcilers.Tests.RAGEngines;

/// <summary>The RAGEngine reconciler pass by pass, on in-memory caches, a recording API server and a fake clock.</summary>
public sealed class RAGEngineReconcilerTests
{
    sealed class World
    {
        static readonly OwnerIndex Owned = new(Labels.RAGEngine, Labels.RAGEngineNamespace);

        public World()
        {
            Reconciler = new RAGEngineReconciler(Api.Client, new RAGEngineCaches(RAGEngines, NodeClaims, Nodes, Pods, Deployments, Services, ConfigMaps),
                new ReconcilerSettings(), new EventRecorder(Api.Client), NullLogger<RAGEngineReconciler>.Instance, Time);
        }

        public RecordingApiServer Api { get; } = new();
        public FakeTimeProvider Time { get; } = new(WorkspaceWorld.T0);
        public RAGEngineReconciler Reconciler { get; }
        public MemoryCache<RAGEngine> RAGEngines { get; } = new();
        public MemoryCache<NodeClaim> NodeClaims { get; } = new(Owned);
        public MemoryCache<V1Node> Nodes { get; } = new();
        public MemoryCache<V1Pod> Pods { get; } = new(Owned);
        public MemoryCache<V1Deployment> Deployments { get; } = new();
        public MemoryCache<V1Service> Services { get; } = new();
        public MemoryCache<V1ConfigMap> ConfigMaps { get; } = new();

        public static string Path(RAGEngine rag) => $"/apis/kaito.sh/v1beta1/namespaces/{rag.Metadata.NamespaceProperty}/ragengines/{rag.Metadata.Name}";

        public RAGEngine Add(RAGEngine rag)
        {
            rag.ApiVersion = "kaito.sh/v1beta1";
            rag.Kind = "RAGEngine";
            rag.Metadata.ResourceVersion ??= "1";
            rag.Metadata.Finalizers ??= [Finalizers.RAGEngine];
            RAGEngines.Put(rag);
            Api.Hold(Path(rag), rag);
            return rag;
        }

        public Task<ReconcileResult> ReconcileAsync(RAGEngine rag) =>
            Reconciler.ReconcileAsync(new ObjectKey(rag.Metadata.NamespaceProperty, rag.Metadata.Name), CancellationToken.None);

        public RAGEngine Observe(RAGEngine rag)
        {
            if (Api.Get(Path(rag))?["status"] is { } status) rag.Status = KubernetesJson.Deserialize<RAGEngineStatus>(status.ToJsonString());
            RAGEngines.Put(rag);
            return rag;
        }
    }

    static string? Condition(RAGEngine rag, string type, out string? reason) => ConditionOf.Status(rag.Status?.Conditions, type, out reason);

    [Fact]
    public async Task A_remote_embedding_runs_without_a_gpu_node_and_an_idle_pass_writes_nothing()
    {
        var world = new World();
        var rag = world.Add(RAGEngineFixtures.Remote());

        await world.ReconcileAsync(rag);

        Assert.DoesNotContain(world.Api.Requests, r => r.Path.Contains("nodeclaims", StringComparison.Ordinal));
        var applied = world.Api.Writes.Where(r => r.ContentType == "application/apply-patch+yaml").ToList();
        Assert.Equal(["configmaps/rag1-config", "services/rag1", "deployments/rag1"],
            applied.Select(r => string.Join('/', r.Path.Split('/')[^2..])));

        // The informers show it all, rolled out.
        world.ConfigMaps.Put(KubernetesJson.Deserialize<V1ConfigMap>(applied[0].Body));
        world.Services.Put(KubernetesJson.Deserialize<V1Service>(applied[1].Body));
        var deployment = KubernetesJson.Deserialize<V1Deployment>(applied[2].Body);
        deployment.Metadata.Generation = 1;
        deployment.Status = new V1DeploymentStatus { ObservedGeneration = 1, Replicas = 1, UpdatedReplicas = 1, ReadyReplicas = 1 };
        world.Deployments.Put(deployment);
        world.Observe(rag);
        await world.ReconcileAsync(rag);
        Assert.Equal("True", Condition(world.Observe(rag), ConditionTypes.RAGEngineSucceeded, out _));

        world.Api.Requests.Clear();
        Assert.Equal(ReconcileResult.Done, await world.ReconcileAsync(rag));
        Assert.Empty(world.Api.Requests);
    }

    [Fact]
    public async Task A_local_embedding_runs_on_a_ready_preferred_gpu_node_without_a_nodeclaim()
    {
        var world = new World();
        world.Nodes.Put(RAGEngineFixtures.Node("gpu-1", 1));
        var local = RAGEngineFixtures.Local();
        local.Spec!.Compute!.PreferredNodes = ["gpu-1"];
        var rag = world.Add(local);

        await world.ReconcileAsync(rag);

        Assert.DoesNotContain(world.Api.Writes, r => r.Path.Contains("/nodeclaims", StringComparison.Ordinal));
        var deployment = KubernetesJson.Deserialize<V1Deployment>(Assert.Single(world.Api.Writes, r => r.Path.Contains("/deployments/", StringComparison.Ordinal)).Body);
        var pinned = deployment.Spec.Template.Spec.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms[0].MatchExpressions;
        Assert.Contains(pinned, e => e.Key == "kubernetes.io/hostname" && e.Values.SequenceEqual(["gpu-1"]));
    }

    [Fact]
    public async Task A_local_embedding_on_a_gpu_sku_gets_one_nodeclaim_and_waits_for_it()
    {
        var world = new World();
        var rag = world.Add(RAGEngineFixtures.Local());

        var result = await world.ReconcileAsync(rag);

        var claim = KubernetesJson.Deserialize<NodeClaim>(Assert.Single(world.Api.Writes, r => r.Method == "POST").Body);
        Assert.Equal(RAGEngineNodeClaims.Name(rag), claim.Metadata.Name);
        Assert.DoesNotContain(world.Api.Writes, r => r.Path.Contains("/deployments/", StringComparison.Ordinal));
        Assert.Equal(TimeSpan.FromSeconds(15), result.RequeueAfter);
        Assert.Equal("False", Condition(world.Observe(rag), ConditionTypes.ResourceReady, out var reason));
        Assert.Equal("NodeClaimPending", reason);
    }

    [Fact]
    public async Task A_refused_service_turns_service_ready_false_with_the_servers_message()
    {
        var world = new World();
        var rag = world.Add(RAGEngineFixtures.Remote());
        world.Api.Fail(r => r.Path.EndsWith("/services/rag1", StringComparison.Ordinal), HttpStatusCode.Forbidden, "Forbidden",
            "services \"rag1\" is forbidden: exceeded quota: q, requested: services=1, used: services=0, limited: services=0");

        await Assert.ThrowsAsync<StepFailure>(() => world.ReconcileAsync(rag));

        Assert.Equal("False", Condition(world.Observe(rag), ConditionTypes.ServiceReady, out var reason));
        Assert.Equal("QuotaExceeded", reason);
        Assert.Equal("QuotaExceeded", Assert.Single(world.Api.Events).Json["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_paused_ragengine_is_left_alone()
    {
        var world = new World();
        var rag = RAGEngineFixtures.Remote();
        rag.Metadata.Annotations = new Dictionary<string, string> { [Annotations.Paused] = "true" };
        world.Add(rag);

        Assert.Equal(ReconcileResult.Done, await world.ReconcileAsync(rag));
        Assert.Empty(world.Api.Requests);
    }
}

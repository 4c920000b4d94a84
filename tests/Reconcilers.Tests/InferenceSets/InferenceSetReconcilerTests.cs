using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Kaito.Api.V1Beta1;
using Kaito.Presets;
using Kaito.Reconcilers.InferenceSets;
using Kaito.Reconcilers.Runtime;
using Kaito.Reconcilers.Shared;
using Kaito.Reconcilers.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Kaito.Reconcilers.Tests.InferenceSets;

/// <summary>The InferenceSet reconciler pass by pass, on in-memory caches, a recording API server and a fake clock.</summary>
public sealed partial class InferenceSetReconcilerTests
{
    const string Ns = "default";
    const string WorkspacesPath = "/apis/kaito.sh/v1beta1/namespaces/default/workspaces";
    const string SetPath = "/apis/kaito.sh/v1beta1/namespaces/default/inferencesets/set";

    sealed class World
    {
        public RecordingApiServer Api { get; } = new();
        public FakeTimeProvider Time { get; } = new(WorkspaceWorld.T0);
        public MemoryCache<InferenceSet> Sets { get; } = new();
        public MemoryCache<Workspace> Workspaces { get; } = new(new OwnerIndex(InferenceSetChildren.CreatedByLabel));
        public InferenceSetReconciler Reconciler { get; }

        public World(TimeSpan? cooldown = null, string registry = ModelImages.DefaultRegistry) =>
            Reconciler = new InferenceSetReconciler(Api.Client, new InferenceSetCaches(Sets, Workspaces),
                new ReconcilerSettings(InferenceSetScaleDownCooldown: cooldown, PresetRegistry: registry), new EventRecorder(Api.Client), NullLogger<InferenceSetReconciler>.Instance, Time);

        public InferenceSet Add(InferenceSet set)
        {
            Sets.Put(set);
            Api.Hold(SetPath, set);
            return set;
        }

        /// <summary>Child <paramref name="index"/> as the reconciler would have made it, ready or not.</summary>
        public Workspace Child(InferenceSet set, int index, bool ready, InferenceSet? madeFrom = null, string? image = null)
        {
            var child = InferenceSetChildren.Build(madeFrom ?? set, index, NodeProvisioning.GpuProvisioner, image);
            child.Metadata.Uid = $"uid-{index}";
            child.Status = new WorkspaceStatus { Conditions = [new V1Condition { Type = ConditionTypes.WorkspaceSucceeded, Status = ready ? "True" : "False", Reason = "r", Message = "m" }] };
            Workspaces.Put(child);
            return child;
        }

        public Task<ReconcileResult> ReconcileAsync() => Reconciler.ReconcileAsync(new ObjectKey(Ns, "set"), CancellationToken.None);

        /// <summary>The set as the informer would show it after the status patches so far.</summary>
        public InferenceSet Observe(InferenceSet set)
        {
            if (Api.Get(SetPath)?["status"] is { } status) set.Status = KubernetesJson.Deserialize<InferenceSetStatus>(status.ToJsonString());
            Sets.Put(set);
            return set;
        }
    }

    static InferenceSet Set(int replicas, string label = "1", JsonObject? strategy = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = "set", NamespaceProperty = Ns, Uid = "set-uid", Generation = 1, ResourceVersion = "1", Finalizers = [Finalizers.InferenceSet] },
        Spec = new InferenceSetSpec
        {
            Replicas = replicas,
            LabelSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["apps"] = "set" } },
            UpdateStrategy = strategy,
            Template = new InferenceSetTemplate
            {
                Metadata = new JsonObject { ["labels"] = new JsonObject { ["revision"] = label } },
                Resource = new InferenceSetResource { InstanceType = "Standard_NC24ads_A100_v4" },
                Inference = new InferenceSpec { Preset = new PresetSpec { Name = "phi-3.5-mini-instruct" } },
            },
        },
    };

    static string? Condition(InferenceSet set, string type, out string? reason) => ConditionOf.Status(set.Status?.Conditions, type, out reason);

    [Fact]
    public async Task A_new_set_creates_its_workspaces_by_index_owned_by_it_and_says_it_scales_from_zero()
    {
        var world = new World();
        var set = world.Add(Set(replicas: 2));

        await world.ReconcileAsync();

        var creates = world.Api.Writes.Where(r => r.Method == "POST").ToList();
        Assert.Equal([WorkspacesPath, WorkspacesPath], creates.Select(r => r.Path));
        var children = creates.Select(r => KubernetesJson.Deserialize<Workspace>(r.Body)).ToList();
        Assert.Equal(["set-0", "set-1"], children.Select(c => c.Metadata.Name));
        Assert.All(children, c =>
        {
            Assert.Equal("set", c.Metadata.Labels[InferenceSetChildren.CreatedByLabel]);
            Assert.Equal("1", c.Metadata.Labels["revision"]);
            Assert.Equal("set-uid", Assert.Single(c.Metadata.OwnerReferences).Uid);
            Assert.Equal("apps", Assert.Single(c.Resource!.LabelSelector!.MatchLabels).Key);
            Assert.Equal("Standard_NC24ads_A100_v4", c.Resource.InstanceType);
        });
        set = world.Observe(set);
        Assert.Equal("False", Condition(set, ConditionTypes.Ready, out var reason));
        Assert.Equal("ScalingFromZero", reason);
        Assert.Equal(WorkspaceWorld.T0.UtcDateTime, set.Status!.ScaleFromZeroSince!.Value.ToUniversalTime());
        Assert.Equal("inferenceset.kaito.sh/created-by=set", set.Status.Selector);
    }

    [Fact]
    public async Task The_first_ready_replica_after_zero_records_the_cold_start_and_a_settled_set_writes_nothing()
    {
        var world = new World();
        var set = world.Add(Set(replicas: 1));
        await world.ReconcileAsync();
        set = world.Observe(set);

        world.Time.Advance(TimeSpan.FromSeconds(42));
        world.Child(set, 0, ready: true);
        world.Api.Requests.Clear();
        var result = await world.ReconcileAsync();
        set = world.Observe(set);
        Assert.Equal(42, set.Status!.LastColdStartSeconds);
        Assert.Null(set.Status.ScaleFromZeroSince);
        Assert.Equal("True", Condition(set, ConditionTypes.Ready, out _));
        Assert.Equal((1, 1, 1), (set.Status.Replicas, set.Status.ReadyReplicas, set.Status.UpdatedReplicas));
        Assert.Null(result.RequeueAfter);

        world.Api.Requests.Clear();
        await world.ReconcileAsync();
        Assert.Empty(world.Api.Writes);
        Assert.Empty(world.Api.Events);
    }

    [Fact]
    public async Task Replicas_above_spec_are_kept_through_the_cool_down_then_deleted_highest_index_first()
    {
        var world = new World(cooldown: TimeSpan.FromMinutes(2));
        var set = world.Add(Set(replicas: 1));
        foreach (var i in new[] { 0, 1, 2 }) world.Child(set, i, ready: true);

        var result = await world.ReconcileAsync();
        Assert.DoesNotContain(world.Api.Writes, r => r.Method == "DELETE");
        Assert.Equal(TimeSpan.FromMinutes(2), result.RequeueAfter);
        set = world.Observe(set);
        Assert.Equal("CoolingDown", ConditionOf.Status(set.Status?.Conditions, ConditionTypes.Scaling, out var reason) is "True" ? reason : null);

        world.Time.Advance(TimeSpan.FromSeconds(119));
        world.Api.Requests.Clear();
        await world.ReconcileAsync();
        Assert.DoesNotContain(world.Api.Writes, r => r.Method == "DELETE");

        world.Time.Advance(TimeSpan.FromSeconds(1));
        world.Api.Requests.Clear();
        await world.ReconcileAsync();
        var deletes = world.Api.Writes.Where(r => r.Method == "DELETE").ToList();
        Assert.Equal([$"{WorkspacesPath}/set-2", $"{WorkspacesPath}/set-1"], deletes.Select(r => r.Path));
        Assert.All(deletes, d => Assert.StartsWith("uid-", d.Json["preconditions"]!["uid"]!.GetValue<string>(), StringComparison.Ordinal));
        Assert.Null(world.Observe(set).Status!.ScaleDownPendingSince);
    }

    [Fact]
    public async Task A_replica_count_back_up_within_the_cool_down_deletes_nothing()
    {
        var world = new World(cooldown: TimeSpan.FromMinutes(2));
        var set = world.Add(Set(replicas: 1));
        world.Child(set, 0, ready: true);
        world.Child(set, 1, ready: true);
        await world.ReconcileAsync();
        set = world.Observe(set);
        Assert.NotNull(set.Status!.ScaleDownPendingSince);

        set.Spec!.Replicas = 2;
        world.Time.Advance(TimeSpan.FromMinutes(5));
        world.Api.Requests.Clear();
        await world.ReconcileAsync();
        Assert.DoesNotContain(world.Api.Writes, r => r.Method is "DELETE" or "POST");
        Assert.Null(world.Observe(set).Status!.ScaleDownPendingSince);
    }

    [Fact]
    public async Task A_template_change_replaces_ready_replicas_one_at_a_time_and_not_ready_ones_at_once()
    {
        var world = new World();
        var old = Set(replicas: 3, label: "1");
        var set = world.Add(Set(replicas: 3, label: "2"));
        var children = Enumerable.Range(0, 3).Select(i => world.Child(set, i, ready: true, madeFrom: old)).ToList();

        await world.ReconcileAsync();
        Assert.Equal([$"{WorkspacesPath}/set-0"], world.Api.Writes.Where(r => r.Method == "DELETE").Select(r => r.Path));
        Assert.Equal("True", Condition(world.Observe(set), ConditionTypes.Updating, out var reason));
        Assert.Equal("RollingUpdate", reason);

        // set-0 is going: the budget of one is spent, nothing else is replaced.
        children[0].Metadata.DeletionTimestamp = WorkspaceWorld.T0.UtcDateTime;
        world.Workspaces.Put(children[0]);
        world.Api.Requests.Clear();
        await world.ReconcileAsync();
        Assert.DoesNotContain(world.Api.Writes, r => r.Method == "DELETE");

        // A replica that is not serving anyway is replaced without waiting.
        children[2].Status!.Conditions![0].Status = "False";
        world.Workspaces.Put(children[2]);
        world.Api.Requests.Clear();
        await world.ReconcileAsync();
        Assert.Equal([$"{WorkspacesPath}/set-2"], world.Api.Writes.Where(r => r.Method == "DELETE").Select(r => r.Path));
    }

    [Fact]
    public async Task OnDelete_replaces_nothing_and_says_so()
    {
        var world = new World();
        var set = world.Add(Set(replicas: 2, label: "2", strategy: new JsonObject { ["type"] = "OnDelete" }));
        foreach (var i in new[] { 0, 1 }) world.Child(set, i, ready: true, madeFrom: Set(replicas: 2, label: "1"));

        await world.ReconcileAsync();
        Assert.DoesNotContain(world.Api.Writes, r => r.Method == "DELETE");
        Assert.Equal("True", Condition(world.Observe(set), ConditionTypes.Updating, out var reason));
        Assert.Equal("WaitingForDelete", reason);
    }

    [Fact]
    public async Task A_workspace_of_a_same_named_predecessor_is_neither_counted_nor_deleted()
    {
        var world = new World();
        var set = world.Add(Set(replicas: 1));
        var stranger = world.Child(set, 0, ready: true);
        stranger.Metadata.OwnerReferences = [new V1OwnerReference { ApiVersion = "kaito.sh/v1beta1", Kind = "InferenceSet", Name = "set", Uid = "old-uid" }];
        world.Workspaces.Put(stranger);

        await world.ReconcileAsync();
        // Its name is taken: the create is answered 409 by a real server and retried until the garbage collector removed it.
        Assert.DoesNotContain(world.Api.Writes, r => r.Method == "DELETE");
        Assert.Equal(0, world.Observe(set).Status!.Replicas);
    }

    [Fact]
    public async Task Deleting_a_set_deletes_its_workspaces_and_keeps_the_finalizer_until_they_are_gone()
    {
        var world = new World();
        var set = Set(replicas: 2);
        set.Metadata.DeletionTimestamp = WorkspaceWorld.T0.UtcDateTime;
        world.Add(set);
        world.Child(set, 0, ready: true);
        world.Child(set, 1, ready: true);

        var result = await world.ReconcileAsync();
        Assert.Equal([$"{WorkspacesPath}/set-0", $"{WorkspacesPath}/set-1"], world.Api.Writes.Where(r => r.Method == "DELETE").Select(r => r.Path).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(world.Api.Writes, r => r.Path == SetPath);
        Assert.NotNull(result.RequeueAfter);

        world.Workspaces.Remove(Ns, "set-0");
        world.Workspaces.Remove(Ns, "set-1");
        world.Api.Requests.Clear();
        await world.ReconcileAsync();
        var release = Assert.Single(world.Api.Writes);
        Assert.Equal(SetPath, release.Path);
        Assert.Empty(release.Json["metadata"]!["finalizers"]!.AsArray());
    }
}

using System.Net;
using k8s;
using Kaito.Api.Keda;
using Kaito.Api.V1Beta1;
using Kaito.Presets;
using Kaito.Reconcilers.InferenceSets;
using Kaito.Reconcilers.Tests.Support;

namespace Kaito.Reconcilers.Tests.InferenceSets;

/// <summary>autoUpgrade (pinned model images, the maintenance window, InPlace and Surge) and the KEDA ScaledObject.</summary>
public sealed partial class InferenceSetReconcilerTests
{
    const string Mirror = "mirror.example.com/kaito";
    const string ScaledObjectPath = "/apis/keda.sh/v1alpha1/namespaces/default/scaledobjects/set";
    static readonly string OldImage = ModelImages.Default.For(ModelCatalog.Default.Find("phi-3.5-mini-instruct")!);
    static readonly string NewImage = new ModelImages(Mirror).For(ModelCatalog.Default.Find("phi-3.5-mini-instruct")!);

    static InferenceSet Upgrading(int replicas, string strategy = "InPlace", MaintenanceWindow? window = null)
    {
        var set = Set(replicas);
        set.Spec!.AutoUpgrade = new AutoUpgradeSpec { Enabled = true, Strategy = strategy, MaintenanceWindow = window };
        return set;
    }

    static string? PinOf(RecordingApiServer.Request create) => ModelImages.Pinned(KubernetesJson.Deserialize<Workspace>(create.Body));

    [Fact]
    public async Task With_autoUpgrade_new_workspaces_are_pinned_to_the_current_image_and_without_it_they_are_not()
    {
        var world = new World(registry: Mirror);
        world.Add(Upgrading(replicas: 2));
        await world.ReconcileAsync();
        Assert.Equal([NewImage, NewImage], world.Api.Writes.Where(r => r.Method == "POST").Select(PinOf));

        var plain = new World();
        plain.Add(Set(replicas: 1));
        await plain.ReconcileAsync();
        Assert.Null(PinOf(plain.Api.Writes.Single(r => r.Method == "POST")));
    }

    [Fact]
    public async Task Workspaces_made_before_autoUpgrade_are_pinned_to_what_they_run_without_a_restart()
    {
        var world = new World();
        var set = world.Add(Upgrading(replicas: 2));
        world.Child(set, 0, ready: true);
        world.Child(set, 1, ready: true);

        await world.ReconcileAsync();
        var pins = world.Api.Writes.Where(r => r.Method == "PATCH" && r.Path.StartsWith(WorkspacesPath, StringComparison.Ordinal)).ToList();
        Assert.Equal([$"{WorkspacesPath}/set-0", $"{WorkspacesPath}/set-1"], pins.Select(p => p.Path));
        Assert.All(pins, p => Assert.Equal(OldImage, p.Json["metadata"]!["annotations"]![ModelImages.PinnedAnnotation]!.GetValue<string>()));
        Assert.DoesNotContain(world.Api.Writes, r => r.Method == "DELETE");
        Assert.Equal("True", Condition(world.Observe(set), ConditionTypes.AutoUpgrade, out var reason));
        Assert.Equal("UpToDate", reason);
    }

    [Fact]
    public async Task Drifted_replicas_wait_for_the_maintenance_window_and_the_status_says_how_many()
    {
        var world = new World(registry: Mirror);
        var set = world.Add(Upgrading(replicas: 2, window: new MaintenanceWindow { Schedule = "0 2 * * *", Duration = "1h" }));
        world.Child(set, 0, ready: true, image: OldImage);
        world.Child(set, 1, ready: true, image: OldImage);

        var result = await world.ReconcileAsync();
        Assert.DoesNotContain(world.Api.Writes, r => r.Method is "DELETE" or "POST");
        set = world.Observe(set);
        Assert.Equal(2, set.Status!.AutoUpgrade!.NumDriftedWorkspaces);
        Assert.Equal("False", Condition(set, ConditionTypes.AutoUpgrade, out var reason));
        Assert.Equal("WaitingForMaintenanceWindow", reason);
        Assert.Equal(SetUpgrade.Lookahead, result.RequeueAfter);

        // 02:00 UTC: the window is open.
        world.Time.Advance(TimeSpan.FromHours(2));
        world.Api.Requests.Clear();
        await world.ReconcileAsync();
        Assert.Equal([$"{WorkspacesPath}/set-0"], world.Api.Writes.Where(r => r.Method == "DELETE").Select(r => r.Path));
        Assert.Equal("Upgrading", ConditionOf.Status(world.Observe(set).Status?.Conditions, ConditionTypes.AutoUpgrade, out var upgrading) is "False" ? upgrading : null);
    }

    [Fact]
    public async Task InPlace_replaces_drifted_replicas_within_max_unavailable_and_records_when_it_finished()
    {
        var world = new World(registry: Mirror);
        var set = world.Add(Upgrading(replicas: 2));
        var first = world.Child(set, 0, ready: true, image: OldImage);
        world.Child(set, 1, ready: true, image: OldImage);

        await world.ReconcileAsync();
        Assert.Equal([$"{WorkspacesPath}/set-0"], world.Api.Writes.Where(r => r.Method == "DELETE").Select(r => r.Path));
        set = world.Observe(set);

        // set-0 is going: one unavailable already, set-1 waits.
        first.Metadata.DeletionTimestamp = WorkspaceWorld.T0.UtcDateTime;
        world.Workspaces.Put(first);
        world.Api.Requests.Clear();
        await world.ReconcileAsync();
        Assert.DoesNotContain(world.Api.Writes, r => r.Method == "DELETE");

        // set-0 came back on the new image and serves: set-1 goes next.
        world.Workspaces.Remove(Ns, "set-0");
        world.Child(set, 0, ready: true, image: NewImage);
        world.Api.Requests.Clear();
        await world.ReconcileAsync();
        Assert.Equal([$"{WorkspacesPath}/set-1"], world.Api.Writes.Where(r => r.Method == "DELETE").Select(r => r.Path));
        set = world.Observe(set);
        Assert.Null(set.Status!.AutoUpgrade!.LastSuccessfulUpgradeTime);

        world.Workspaces.Remove(Ns, "set-1");
        world.Child(set, 1, ready: true, image: NewImage);
        world.Time.Advance(TimeSpan.FromMinutes(3));
        await world.ReconcileAsync();
        set = world.Observe(set);
        Assert.Equal(0, set.Status!.AutoUpgrade!.NumDriftedWorkspaces);
        Assert.Equal(WorkspaceWorld.T0.UtcDateTime.AddMinutes(3), set.Status.AutoUpgrade.LastSuccessfulUpgradeTime!.Value.ToUniversalTime());
        Assert.Equal("True", Condition(set, ConditionTypes.AutoUpgrade, out _));
    }

    [Fact]
    public async Task Surge_adds_a_replica_first_replaces_only_while_it_serves_and_removes_it_after()
    {
        var world = new World(registry: Mirror);
        var set = world.Add(Upgrading(replicas: 2, strategy: "Surge"));
        world.Child(set, 0, ready: true, image: OldImage);
        world.Child(set, 1, ready: true, image: OldImage);

        await world.ReconcileAsync();
        var surge = KubernetesJson.Deserialize<Workspace>(world.Api.Writes.Single(r => r.Method == "POST").Body);
        Assert.Equal("set-2", surge.Metadata.Name);
        Assert.Equal("true", surge.Metadata.Labels[SetUpgrade.SurgeLabel]);
        Assert.Equal(NewImage, ModelImages.Pinned(surge));
        Assert.DoesNotContain(world.Api.Writes, r => r.Method == "DELETE");

        // The surge replica is not serving yet: nothing goes, and it is not counted as surplus.
        var extra = world.Child(set, 2, ready: false, image: NewImage);
        extra.Metadata.Labels[SetUpgrade.SurgeLabel] = "true";
        world.Api.Requests.Clear();
        await world.ReconcileAsync();
        Assert.DoesNotContain(world.Api.Writes, r => r.Method is "DELETE" or "POST");

        extra.Status!.Conditions![0].Status = "True";
        world.Workspaces.Put(extra);
        world.Api.Requests.Clear();
        await world.ReconcileAsync();
        Assert.Equal([$"{WorkspacesPath}/set-0"], world.Api.Writes.Where(r => r.Method == "DELETE").Select(r => r.Path));

        // Both replicas upgraded: the surge replica goes at once, without the scale-down cool-down.
        world.Workspaces.Remove(Ns, "set-0");
        world.Child(set, 0, ready: true, image: NewImage);
        world.Workspaces.Remove(Ns, "set-1");
        world.Child(set, 1, ready: true, image: NewImage);
        world.Api.Requests.Clear();
        await world.ReconcileAsync();
        Assert.Equal([$"{WorkspacesPath}/set-2"], world.Api.Writes.Where(r => r.Method == "DELETE").Select(r => r.Path));
    }

    static InferenceSet Autoscaled(params (string Key, string Value)[] annotations)
    {
        var set = Set(replicas: 1);
        set.Metadata.Annotations = annotations.ToDictionary(a => KedaAutoscaling.Prefix + a.Key, a => a.Value);
        set.Spec!.NodeCountLimit = 4;
        return set;
    }

    [Fact]
    public async Task Keda_annotations_without_keda_installed_say_so_and_look_again_soon()
    {
        var world = new World();
        var set = world.Add(Autoscaled(("auto-provision", "true"), ("threshold", "10")));
        world.Api.FailWithPage(r => r.Path.StartsWith("/apis/keda.sh/", StringComparison.Ordinal), HttpStatusCode.NotFound, "404 page not found");

        var result = await world.ReconcileAsync();
        Assert.Equal("False", Condition(world.Observe(set), ConditionTypes.Autoscaler, out var reason));
        Assert.Equal("KedaNotInstalled", reason);
        Assert.True(result.RequeueAfter <= SetScaledObjectRecheck);
        Assert.DoesNotContain(world.Api.Writes, r => r.Path.StartsWith("/apis/keda.sh/", StringComparison.Ordinal));
    }

    static readonly TimeSpan SetScaledObjectRecheck = SetScaledObject.Recheck;

    [Fact]
    public async Task Keda_annotations_apply_a_scaled_object_targeting_the_set_once()
    {
        var world = new World();
        var set = world.Add(Autoscaled(("auto-provision", "true"), ("threshold", "10"), ("min-replicas", "0")));

        await world.ReconcileAsync();
        var apply = world.Api.Writes.Single(r => r.Path == ScaledObjectPath);
        Assert.Equal("application/apply-patch+yaml", apply.ContentType);
        var written = KubernetesJson.Deserialize<ScaledObject>(apply.Body);
        Assert.Equal(("kaito.sh/v1beta1", "InferenceSet", "set"), (written.Spec!.ScaleTargetRef!.ApiVersion, written.Spec.ScaleTargetRef.Kind, written.Spec.ScaleTargetRef.Name));
        Assert.Equal((0, 4), (written.Spec.MinReplicaCount, written.Spec.MaxReplicaCount));
        var trigger = Assert.Single(written.Spec.Triggers!);
        Assert.Equal("external", trigger.Type);
        Assert.Equal(KedaAutoscaling.DefaultScalerAddress, trigger.Metadata!["scalerAddress"]);
        Assert.Equal(("vllm:num_requests_waiting", "10"), (trigger.Metadata["metricName"], trigger.Metadata["threshold"]));
        Assert.Equal("set-uid", Assert.Single(written.Metadata.OwnerReferences).Uid);
        set = world.Observe(set);
        Assert.Equal("True", Condition(set, ConditionTypes.Autoscaler, out _));

        world.Api.Hold(ScaledObjectPath, written);
        world.Api.Requests.Clear();
        await world.ReconcileAsync();
        Assert.DoesNotContain(world.Api.Writes, r => r.Path == ScaledObjectPath);
    }

    [Fact]
    public async Task A_scaled_object_someone_else_made_is_left_alone_and_named()
    {
        var world = new World();
        var set = world.Add(Autoscaled(("auto-provision", "true"), ("threshold", "10")));
        world.Api.Hold(ScaledObjectPath, new ScaledObject { Metadata = new() { Name = "set", NamespaceProperty = Ns } });

        await world.ReconcileAsync();
        Assert.DoesNotContain(world.Api.Writes, r => r.Path == ScaledObjectPath);
        Assert.Equal("False", Condition(world.Observe(set), ConditionTypes.Autoscaler, out var reason));
        Assert.Equal("ScaledObjectNotOwned", reason);
    }

    [Fact]
    public async Task Removing_the_annotations_deletes_our_scaled_object_and_the_condition()
    {
        var world = new World();
        var set = world.Add(Autoscaled(("auto-provision", "true"), ("threshold", "10")));
        await world.ReconcileAsync();
        world.Api.Hold(ScaledObjectPath, KubernetesJson.Deserialize<ScaledObject>(world.Api.Writes.Single(r => r.Path == ScaledObjectPath).Body));
        set = world.Observe(set);

        set.Metadata.Annotations!.Clear();
        world.Api.Requests.Clear();
        await world.ReconcileAsync();
        Assert.Equal([ScaledObjectPath], world.Api.Writes.Where(r => r.Method == "DELETE").Select(r => r.Path));
        Assert.Null(Condition(world.Observe(set), ConditionTypes.Autoscaler, out _));
    }
}

using System.Collections.Concurrent;
using k8s;
using k8s.Models;
using Kaito.Reconcilers.Runtime;
using Microsoft.Extensions.Logging;
using static Kaito.Reconcilers.Tests.Runtime.FakeResourceSource;

namespace Kaito.Reconcilers.Tests.Runtime;

/// <summary>The informer's resume, relist and backoff decisions, on a scripted source and a fake clock.</summary>
public sealed class InformerTests
{
    static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    static HttpRequestException Refused() => new("Connection refused (127.0.0.1:16443)", new System.Net.Sockets.SocketException(111));

    [Fact]
    public async Task Connection_failures_back_off_doubling_to_the_cap_then_resume_from_the_same_version_without_relisting()
    {
        await using var h = new InformerHarness();
        h.Fake.Objects.Add(Map("a", "4"));
        h.Fake.ListVersion = "5";
        for (var i = 0; i < 6; i++) h.Fake.ThenFails(Refused());
        h.Start();
        double[] waits = [0.5, 1, 2, 4, 5, 5];
        await h.StepThroughBackoffAsync(waits);
        await h.Time.AdvancePastTimerAsync(InformerHarness.Healthy);
        await InformerHarness.WaitAsync(() => h.Informer.Status.Watching, "the watch to count as established");

        var calls = h.Fake.Watches.ToArray();
        Assert.All(calls, c => Assert.Equal("5", c.ResourceVersion));
        Assert.Equal(waits, calls.Zip(calls.Skip(1), (a, b) => (b.At - a.At).TotalSeconds));
        Assert.Single(h.Fake.Lists);
        Assert.Equal(6, h.Informer.Status.Restarts["failed"]);
        var warning = Assert.Single(h.Log.AtLeast(LogLevel.Warning));
        Assert.Contains("configmaps", warning, StringComparison.Ordinal);
        Assert.Contains("Connection refused", warning, StringComparison.Ordinal);
        Assert.Contains(h.Log.Entries, e => e.Level == LogLevel.Information && e.Message.Contains("configmaps: watching again", StringComparison.Ordinal)
            && e.Message.Contains("6 failed attempts", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_expired_version_after_a_server_restart_relists_at_once_and_watches_from_the_new_version()
    {
        await using var h = new InformerHarness();
        h.Fake.Objects.Add(Map("a", "4"));
        h.Fake.Objects.Add(Map("b", "5"));
        h.Fake.ListVersion = "5";
        h.Fake.ThenFails(Refused());
        h.Fake.ThenExpired();
        var events = new ConcurrentQueue<string>();
        h.Informer.Changed += (type, o, _) => events.Enqueue($"{type} {o.Metadata.Name}");
        h.Start();
        await h.WatchCallsAsync(1);
        // While the server was away, b was deleted and c created.
        h.Fake.Objects.RemoveAt(1);
        h.Fake.Objects.Add(Map("c", "8"));
        h.Fake.ListVersion = "9";

        await h.Time.AdvancePastTimerAsync(S(0.5));
        await h.WatchCallsAsync(3);

        var calls = h.Fake.Watches.ToArray();
        Assert.Equal(["5", "5", "9"], calls.Select(c => c.ResourceVersion));
        Assert.Equal(calls[1].At, calls[2].At);
        Assert.Equal(2, h.Informer.Relists);
        Assert.Equal(["Added a", "Added b", "Deleted b", "Added c"], events);
        Assert.Null(h.Informer.Get("ns", "b"));
        Assert.NotNull(h.Informer.Get("ns", "c"));
        Assert.Equal(1, h.Informer.Status.Restarts["expired"]);
    }

    [Fact]
    public async Task A_server_that_expires_every_watch_gets_one_list_and_watch_per_backoff_step_not_a_hot_loop()
    {
        await using var h = new InformerHarness();
        for (var i = 0; i < 6; i++) h.Fake.ThenExpired();
        h.Start();
        double[] waits = [0.5, 1, 2, 4, 5, 5];
        await h.StepThroughBackoffAsync(waits);

        var calls = h.Fake.Watches.ToArray();
        Assert.Equal(7, calls.Length);
        Assert.Equal(7, h.Fake.Lists.Count);
        Assert.Equal(waits, calls.Zip(calls.Skip(1), (a, b) => (b.At - a.At).TotalSeconds));
        Assert.Single(h.Log.AtLeast(LogLevel.Warning));
    }

    [Fact]
    public async Task A_watch_that_ends_at_once_without_an_error_relists_after_a_backoff()
    {
        await using var h = new InformerHarness();
        h.Fake.ThenEnds();
        h.Fake.ThenEnds();
        h.Start();
        await h.WatchCallsAsync(1);
        await h.Time.AdvancePastTimerAsync(S(0.5));
        await h.WatchCallsAsync(2);
        await h.Time.AdvancePastTimerAsync(S(1));
        await h.WatchCallsAsync(3);

        Assert.Equal(3, h.Fake.Lists.Count);
        Assert.Equal(2, h.Informer.Status.Restarts["short"]);
        Assert.Contains("without an error", Assert.Single(h.Log.AtLeast(LogLevel.Warning)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_error_event_relists_after_a_backoff_and_names_the_status()
    {
        await using var h = new InformerHarness();
        h.Fake.ThenEnds(StreamEvent<V1ConfigMap>.Failure(new V1Status { Code = 500, Reason = "InternalError", Message = "etcdserver: leader changed" }));
        h.Start();
        await h.WatchCallsAsync(1);
        await h.Time.AdvancePastTimerAsync(S(0.5));
        await h.WatchCallsAsync(2);

        Assert.Equal(2, h.Fake.Lists.Count);
        Assert.Contains("500 InternalError etcdserver: leader changed", Assert.Single(h.Log.AtLeast(LogLevel.Warning)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_watch_the_server_ends_on_time_resumes_at_once_from_the_last_bookmark()
    {
        await using var h = new InformerHarness();
        h.Fake.ListVersion = "5";
        var lasted = S(300);
        h.Fake.Then(ct => EndsAfter(h.Time, lasted, ct, Added("x", "7"), new StreamEvent<V1ConfigMap>(WatchEventType.Bookmark, Map("", "8"), null)));
        h.Start();
        await h.WatchCallsAsync(1);
        await h.Time.AdvancePastTimerAsync(lasted);
        await h.WatchCallsAsync(2);

        var calls = h.Fake.Watches.ToArray();
        Assert.Equal(["5", "8"], calls.Select(c => c.ResourceVersion));
        Assert.Equal(lasted, calls[1].At - calls[0].At);
        Assert.Single(h.Fake.Lists);
        Assert.NotNull(h.Informer.Get("ns", "x"));
        Assert.Empty(h.Log.AtLeast(LogLevel.Warning));
        Assert.Equal(1, h.Informer.Status.Restarts["timeout"]);
    }

    [Fact]
    public async Task A_handler_that_throws_is_logged_and_the_watch_goes_on()
    {
        await using var h = new InformerHarness();
        h.Fake.ThenOpen(Added("x", "2"), Added("y", "3"));
        var seen = new ConcurrentQueue<string>();
        h.Informer.Changed += (_, o, _) =>
        {
            if (o.Metadata.Name == "x") throw new InvalidOperationException("handler bug");
            seen.Enqueue(o.Metadata.Name);
        };
        h.Start();
        await InformerHarness.WaitAsync(() => h.Informer.Get("ns", "y") is not null, "y in the cache");

        Assert.Equal(["y"], seen);
        Assert.NotNull(h.Informer.Get("ns", "x"));
        Assert.Contains("handler", Assert.Single(h.Log.AtLeast(LogLevel.Error)), StringComparison.Ordinal);
        Assert.Single(h.Fake.Watches);
    }

    [Fact]
    public async Task Relists_read_every_page_and_replay_deletions()
    {
        await using var h = new InformerHarness(pageSize: 3);
        for (var i = 0; i < 7; i++) h.Fake.Objects.Add(Map($"o{i}", "1"));
        h.Fake.ThenExpired();
        var deleted = new ConcurrentQueue<string>();
        h.Informer.Changed += (type, o, _) => { if (type == WatchEventType.Deleted) deleted.Enqueue(o.Metadata.Name); };
        h.Start();
        await h.WatchCallsAsync(1);
        Assert.Equal([null, "3", "6"], h.Fake.Lists.Select(l => l.Continue));
        Assert.Equal(7, h.Informer.Count);

        h.Fake.Objects.RemoveRange(5, 2);
        await h.Time.AdvancePastTimerAsync(S(0.5));
        await h.WatchCallsAsync(2);
        Assert.Equal(5, h.Informer.Count);
        Assert.Equal(["o5", "o6"], deleted.Order(StringComparer.Ordinal));
        Assert.Equal(3, h.Fake.PageSizeSeen);
    }

    [Fact]
    public async Task The_owner_index_follows_adds_label_changes_deletes_and_relists()
    {
        await using var h = new InformerHarness(owners: new OwnerIndex("kaito.sh/workspace", "kaito.sh/workspacenamespace"));
        h.Fake.Objects.Add(Owned("pod-a", "1", "w1"));
        h.Fake.Objects.Add(Owned("pod-b", "1", "w1"));
        h.Fake.Objects.Add(Map("loose", "1"));
        h.Fake.ThenOpen(
            new StreamEvent<V1ConfigMap>(WatchEventType.Added, Owned("pod-c", "2", "w2"), null),
            new StreamEvent<V1ConfigMap>(WatchEventType.Modified, Owned("pod-b", "3", "w2"), null),
            new StreamEvent<V1ConfigMap>(WatchEventType.Deleted, Owned("pod-a", "4", "w1"), null),
            new StreamEvent<V1ConfigMap>(WatchEventType.Added, Map("sentinel", "5"), null));
        h.Start();
        await InformerHarness.WaitAsync(() => h.Informer.Get("ns", "sentinel") is not null, "the watch events applied");

        Assert.Empty(h.Informer.OwnedBy("ns", "w1"));
        Assert.Equal(["pod-b", "pod-c"], h.Informer.OwnedBy("ns", "w2").Select(o => o.Metadata.Name).Order(StringComparer.Ordinal));
        Assert.Equal(4, h.Informer.Count);
        Assert.Equal(4, h.Informer.All.Count());
        // A cluster-scoped child names its owner's namespace by label.
        var clusterScoped = new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "claim", Labels = new Dictionary<string, string> { ["kaito.sh/workspace"] = "w3", ["kaito.sh/workspacenamespace"] = "other" } } };
        Assert.Equal(new ObjectKey("other", "w3"), new OwnerIndex("kaito.sh/workspace", "kaito.sh/workspacenamespace").OwnerOf(clusterScoped.Metadata));
        clusterScoped.Metadata.Labels.Remove("kaito.sh/workspacenamespace");
        Assert.Null(new OwnerIndex("kaito.sh/workspace", "kaito.sh/workspacenamespace").OwnerOf(clusterScoped.Metadata));
    }

    static V1ConfigMap Owned(string name, string resourceVersion, string owner)
    {
        var o = Map(name, resourceVersion);
        o.Metadata.Labels = new Dictionary<string, string> { ["kaito.sh/workspace"] = owner };
        return o;
    }

    [Fact]
    public async Task A_list_that_keeps_failing_leaves_the_informer_unsynced_and_stalled_with_the_reason()
    {
        await using var h = new InformerHarness();
        h.Fake.ListFailure = () => new k8s.Autorest.HttpOperationException("forbidden")
        {
            Response = new k8s.Autorest.HttpResponseMessageWrapper(new HttpResponseMessage(System.Net.HttpStatusCode.Forbidden) { ReasonPhrase = "Forbidden" }, "configmaps is forbidden"),
        };
        var health = new InformerHealth(new RuntimeMetrics());
        using var tracked = health.Track("workspace", h.Informer.Status);
        h.Start();
        await InformerHarness.WaitAsync(() => h.Fake.Lists.Count == 1, "the first list");
        foreach (var wait in new[] { 0.5, 1, 2, 4, 5, 5, 5, 5, 5 })
            await h.Time.AdvancePastTimerAsync(S(wait));
        await InformerHarness.WaitAsync(() => h.Fake.Lists.Count == 10, "ten lists");

        Assert.False(h.Informer.HasSynced);
        var stalled = Assert.Single(health.Stalled(TimeSpan.FromSeconds(30)));
        Assert.StartsWith("workspace/configmaps: not synced after 33s (10 attempts failed; last: 403 Forbidden: configmaps is forbidden)", stalled, StringComparison.Ordinal);
        Assert.Empty(health.Stalled(TimeSpan.FromSeconds(40)));
    }

    [Fact]
    public void Status_is_stalled_only_after_the_threshold_and_clears_when_a_watch_is_established()
    {
        var time = new RecordingTimeProvider();
        var status = new InformerStatus("nodes", time);
        status.Listed();
        Assert.True(status.Failed("connection refused"));
        Assert.False(status.Failed("connection refused"));
        time.Advance(S(29));
        Assert.Null(status.Stalled(S(30)));
        time.Advance(S(1));
        Assert.Equal("nodes: no watch for 30s (2 attempts failed; last: connection refused)", status.Stalled(S(30)));
        var (ended, lasted, attempts) = status.Established();
        Assert.True(ended);
        Assert.Equal(S(30), lasted);
        Assert.Equal(2, attempts);
        Assert.Null(status.Stalled(S(30)));

        var unsynced = new InformerStatus("jobs", time);
        time.Advance(S(30));
        Assert.Equal("jobs: not synced after 30s", unsynced.Stalled(S(30)));
    }

    [Fact]
    public void Metrics_name_each_informer_and_every_restart_reason()
    {
        var metrics = new RuntimeMetrics();
        var health = new InformerHealth(metrics);
        var status = new InformerStatus("pods", TimeProvider.System);
        using (health.Track("workspace", status))
        {
            status.Listed();
            status.Restarted("expired");
            status.Restarted("expired");
            status.Restarted("timeout");
            status.Established();
            var text = metrics.Render();
            Assert.Contains("kaito_informer_watch_restarts_total{controller=\"workspace\",kind=\"pods\",reason=\"expired\"} 2\n", text, StringComparison.Ordinal);
            Assert.Contains("kaito_informer_watch_restarts_total{controller=\"workspace\",kind=\"pods\",reason=\"timeout\"} 1\n", text, StringComparison.Ordinal);
            Assert.Contains("kaito_informer_relists_total{controller=\"workspace\",kind=\"pods\"} 1\n", text, StringComparison.Ordinal);
            Assert.Contains("kaito_informer_watching{controller=\"workspace\",kind=\"pods\"} 1\n", text, StringComparison.Ordinal);
            Assert.Contains("# TYPE kaito_informer_watch_restarts_total counter\n", text, StringComparison.Ordinal);
        }
        Assert.DoesNotContain("kind=\"pods\"", metrics.Render(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 0.0, 0.0)]
    [InlineData(1, 0.0, 0.5)]
    [InlineData(2, 0.0, 1.0)]
    [InlineData(3, 0.0, 2.0)]
    [InlineData(4, 0.0, 4.0)]
    [InlineData(5, 0.0, 5.0)]
    [InlineData(40, 0.0, 5.0)]
    [InlineData(1, 0.999999, 0.625)]
    [InlineData(40, 0.999999, 6.25)]
    public void Backoff_doubles_from_half_a_second_to_five_with_up_to_a_quarter_of_jitter(int failures, double random, double seconds) =>
        Assert.Equal(seconds, ResumeBackoff.Delay(failures, random, InformerOptions.Default).TotalSeconds, 3);

    static async IAsyncEnumerable<StreamEvent<V1ConfigMap>> EndsAfter(TimeProvider time, TimeSpan after,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken, params StreamEvent<V1ConfigMap>[] events)
    {
        foreach (var e in events) yield return e;
        await Task.Delay(after, time, cancellationToken);
    }
}

using System.Collections.Concurrent;
using k8s;
using k8s.Models;
using Kaito.Reconcilers.Runtime;
using Kaito.Testing;
using Microsoft.Extensions.Logging;

namespace Kaito.Reconcilers.Tests.Runtime;

/// <summary>The informer against the real API server: list, watch, and watches the server ends.</summary>
public sealed class InformerIntegrationTests
{
    [Fact]
    public async Task Watches_the_server_ends_while_idle_resume_without_warnings_or_relists()
    {
        var plane = await ControlPlane.GetAsync();
        await using var ns = await plane.CreateNamespaceAsync("rt-informer");
        var selector = $"kaito.test/informer={ns.Name}";
        var logger = new RecordingLogger();
        // A 1-second server timeout: several idle watches end during the test.
        var informer = new Informer<V1ConfigMap>(ResourceSources.ConfigMaps(plane.Client, selector), logger,
            InformerOptions.Default with { WatchTimeout = TimeSpan.FromSeconds(1) });
        var added = new ConcurrentQueue<string>();
        informer.Changed += (type, item, _) => { if (type == WatchEventType.Added) added.Enqueue(item.Metadata.Name); };
        using var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);

        await ConfigMap(plane, ns.Name, "first", selector);
        await Eventually.WaitAsync(() => Task.FromResult(informer.Get(ns.Name, "first") is not null), TimeSpan.FromSeconds(30), "the first ConfigMap in the cache");
        var endedBefore = informer.WatchesEnded;
        await Eventually.WaitAsync(() => Task.FromResult(informer.WatchesEnded >= endedBefore + 3), TimeSpan.FromSeconds(60), "three idle watches to end");

        await ConfigMap(plane, ns.Name, "second", selector);
        await Eventually.WaitAsync(() => Task.FromResult(informer.Get(ns.Name, "second") is not null), TimeSpan.FromSeconds(30), "the second ConfigMap in the cache");

        await stop.CancelAsync();
        await run.ContinueWith(_ => { }, TaskScheduler.Default);
        Assert.Equal(1, informer.Relists);
        Assert.Equal(["first", "second"], added);
        Assert.Empty(logger.Entries.Where(e => e.Level >= LogLevel.Warning).Select(e => e.Message));
    }

    [Fact]
    public async Task A_kind_the_server_does_not_serve_never_syncs_and_is_reported_stalled_with_the_reason()
    {
        var plane = await ControlPlane.GetAsync();
        const string group = "missing.kaito.sh";
        var source = new ResourceSource<V1ConfigMap>("widgets",
            async (next, limit, ct) =>
            {
                var list = await plane.Client.CustomObjects.ListClusterCustomObjectAsync<V1ConfigMapList>(group, "v1", "widgets", continueParameter: next, limit: limit, cancellationToken: ct);
                return new ListPage<V1ConfigMap>(list.Items, list.Metadata.ResourceVersion, list.Metadata.ContinueProperty);
            },
            (rv, seconds, ct) => WatchStream.Read<V1ConfigMap, V1ConfigMapList>(plane.Client.CustomObjects.ListClusterCustomObjectWithHttpMessagesAsync<V1ConfigMapList>(
                group, "v1", "widgets", resourceVersion: rv, timeoutSeconds: seconds, watch: true, cancellationToken: ct), ct));
        var logger = new RecordingLogger();
        var informer = new Informer<V1ConfigMap>(source, logger, InformerOptions.Default with { StalledAfter = TimeSpan.FromSeconds(2) }, controller: "test");
        var health = new InformerHealth(new RuntimeMetrics());
        using var tracked = health.Track("test", informer.Status);
        using var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);

        var stalled = await Eventually.WaitAsync(() => Task.FromResult(health.Stalled(TimeSpan.FromSeconds(2)).FirstOrDefault()), TimeSpan.FromSeconds(30), "the kind to be reported stalled");
        await stop.CancelAsync();
        await run.ContinueWith(_ => { }, TaskScheduler.Default);

        Assert.False(informer.HasSynced);
        Assert.StartsWith("test/widgets: not synced after", stalled, StringComparison.Ordinal);
        Assert.Contains("404 Not Found", stalled, StringComparison.Ordinal);
        Assert.Contains("test/widgets: lost the watch (404", Assert.Single(logger.AtLeast(LogLevel.Warning)), StringComparison.Ordinal);
    }

    static Task ConfigMap(ControlPlane plane, string ns, string name, string selector)
    {
        var label = selector.Split('=');
        return plane.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
        {
            Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { [label[0]] = label[1] } },
            Data = new Dictionary<string, string> { ["k"] = "v" },
        }, ns);
    }
}

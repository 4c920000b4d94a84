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

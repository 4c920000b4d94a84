using System.Collections.Concurrent;
using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Kaito.Reconcilers.Runtime;

/// <summary>How to list and to watch one kind (typed client calls), for an <see cref="Informer{T, TList}"/>.</summary>
public sealed record ResourceSource<TList>(
    string Name,
    Func<CancellationToken, Task<TList>> List,
    Func<string, int, CancellationToken, Task<HttpOperationResponse<TList>>> Watch);

/// <summary>
/// A cache of one kind kept current by list + watch: watches resume from the last resourceVersion
/// (bookmarks keep it fresh), a 410 Gone re-lists and replays the difference as events, and a watch that
/// goes silent longer than the server timeout is restarted. Handlers run after the cache is updated.
/// </summary>
/// <param name="trim">Drops parts of each object no reader of this cache needs (see <see cref="CacheTrims"/>), before it is cached.</param>
public sealed partial class Informer<T, TList>(ResourceSource<TList> source, ILogger logger, TimeSpan? watchTimeout = null, Action<T>? trim = null) : IResourceCache<T>
    where T : IKubernetesObject<V1ObjectMeta>
    where TList : IKubernetesObject<V1ListMeta>, IItems<T>
{
    readonly ConcurrentDictionary<ObjectKey, T> items = new();
    readonly TimeSpan timeout = watchTimeout ?? TimeSpan.FromMinutes(5);
    readonly TaskCompletionSource synced = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>(event, new object, previous object) after the cache changed.</summary>
    public event Action<WatchEventType, T, T?>? Changed;

    public bool HasSynced => synced.Task.IsCompleted;

    public int Relists { get; private set; }

    /// <summary>Watches that ended without an error (server timeout, idle end, watchdog), each resumed in place.</summary>
    public int WatchesEnded { get; private set; }

    public Task WaitForSyncAsync(CancellationToken cancellationToken) => synced.Task.WaitAsync(cancellationToken);

    public T? Get(string @namespace, string name) => items.GetValueOrDefault(new ObjectKey(@namespace ?? "", name));

    public IReadOnlyList<T> List(string? @namespace = null, IReadOnlyDictionary<string, string>? labels = null) =>
        [.. items.Values.Where(o => (@namespace is null || (o.Metadata.NamespaceProperty ?? "") == @namespace)
            && (labels is null || labels.All(l => o.Metadata.Labels?.TryGetValue(l.Key, out var v) == true && v == l.Value)))];

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        string? resourceVersion = null;
        var backoff = TimeSpan.FromSeconds(1);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                resourceVersion ??= await RelistAsync(cancellationToken);
                resourceVersion = await WatchAsync(resourceVersion, cancellationToken);
                backoff = TimeSpan.FromSeconds(1);
            }
            catch (Exception e) when (IsGone(e))
            {
                LogExpired(logger, source.Name);
                resourceVersion = null;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogWatchFailed(logger, e, source.Name, backoff.TotalSeconds);
                await Task.Delay(backoff + TimeSpan.FromMilliseconds(Random.Shared.Next(0, 500)), cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
        }
    }

    async Task<string> RelistAsync(CancellationToken cancellationToken)
    {
        var list = await source.List(cancellationToken);
        Relists++;
        var fresh = list.Items.Select(Slim).ToDictionary(Key);
        foreach (var (key, old) in items)
        {
            if (!fresh.ContainsKey(key) && items.TryRemove(key, out _)) Changed?.Invoke(WatchEventType.Deleted, old, old);
        }
        foreach (var (key, item) in fresh)
        {
            var had = items.TryGetValue(key, out var old);
            items[key] = item;
            if (!had) Changed?.Invoke(WatchEventType.Added, item, default);
            else if (old!.Metadata.ResourceVersion != item.Metadata.ResourceVersion) Changed?.Invoke(WatchEventType.Modified, item, old);
        }
        synced.TrySetResult();
        return list.Metadata.ResourceVersion;
    }

    async Task<string> WatchAsync(string resourceVersion, CancellationToken cancellationToken)
    {
        // The server ends the watch after its timeout; the watchdog restarts one that went silent longer.
        var serverSeconds = (int)timeout.TotalSeconds + Random.Shared.Next(0, Math.Max(1, (int)timeout.TotalSeconds / 10));
        using var watchdog = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        watchdog.CancelAfter(TimeSpan.FromSeconds(serverSeconds + 30));
        try
        {
            var response = source.Watch(resourceVersion, serverSeconds, watchdog.Token);
            // One code path for typed and custom kinds; the per-kind WatchListAsync clients do not cover CRDs.
#pragma warning disable CS0618
            var events = response.WatchAsync<T, TList>(cancellationToken: watchdog.Token);
#pragma warning restore CS0618
            await foreach (var (type, item) in events)
            {
                watchdog.CancelAfter(TimeSpan.FromSeconds(serverSeconds + 30));
                if (item?.Metadata?.ResourceVersion is { } rv) resourceVersion = rv;
                switch (type)
                {
                    case WatchEventType.Added or WatchEventType.Modified:
                        Slim(item!);
                        var key = Key(item!);
                        items.TryGetValue(key, out var old);
                        items[key] = item!;
                        Changed?.Invoke(old is null ? WatchEventType.Added : WatchEventType.Modified, item!, old);
                        break;
                    case WatchEventType.Deleted:
                        items.TryRemove(Key(item!), out _);
                        Changed?.Invoke(WatchEventType.Deleted, item!, item);
                        break;
                    case WatchEventType.Error:
                        throw new KubernetesException(new V1Status { Code = 410, Message = "watch error event" });
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            LogWatchdog(logger, source.Name);
        }
        catch (HttpRequestException e) when (e.InnerException is EndOfStreamException)
        {
            // The client peeks at the first line of a watch; a watch the server closes at its timeout
            // before any event was sent ends there. That is a normal end: resume from where we were.
            LogWatchEndedIdle(logger, source.Name);
        }
        WatchesEnded++;
        return resourceVersion;
    }

    static ObjectKey Key(T item) => new(item.Metadata.NamespaceProperty ?? "", item.Metadata.Name);

    /// <summary>
    /// Drops what no reconciler reads before caching: managedFields (often the largest part of a Pod or
    /// Node) and kubectl's last-applied copy of the whole object. Keeps the operator's memory flat.
    /// </summary>
    T Slim(T item)
    {
        item.Metadata.ManagedFields = null;
        item.Metadata.Annotations?.Remove("kubectl.kubernetes.io/last-applied-configuration");
        trim?.Invoke(item);
        return item;
    }

    static bool IsGone(Exception e) =>
        e is HttpOperationException { Response.StatusCode: HttpStatusCode.Gone }
        || e is KubernetesException { Status.Code: 410 }
        || e.InnerException is not null && IsGone(e.InnerException);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Kind}: resourceVersion expired, re-listing")]
    static partial void LogExpired(ILogger logger, string kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Kind}: list/watch failed, retrying in {Seconds}s")]
    static partial void LogWatchFailed(ILogger logger, Exception exception, string kind, double seconds);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Kind}: idle watch ended by the server, resuming")]
    static partial void LogWatchEndedIdle(ILogger logger, string kind);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Kind}: watch silent too long, restarting it")]
    static partial void LogWatchdog(ILogger logger, string kind);
}

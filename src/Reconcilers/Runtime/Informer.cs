using System.Collections.Concurrent;
using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Kaito.Api.V1Beta1;
using Microsoft.Extensions.Logging;

namespace Kaito.Reconcilers.Runtime;

/// <summary>
/// A cache of one kind kept current by list + watch. Each attempt lists (in pages) when it has no resourceVersion,
/// then watches from it; bookmarks keep the resourceVersion fresh. How a watch ends decides what comes next:
/// <list type="bullet">
/// <item>the server's timeout, or the watchdog for a watch silent too long: resume from the same resourceVersion;</item>
/// <item>410 Expired (an ERROR event or the response's status, as after an API server restart): relist, replaying
/// the difference as events, and watch from the new resourceVersion (within the same attempt when it had not listed);</item>
/// <item>another ERROR event, or a watch that ends at once: relist; a failed request or a broken connection: resume
/// from the same resourceVersion.</item>
/// </list>
/// Attempts are rate-limited: after a watch that stayed open <see cref="InformerOptions.HealthyWatch"/> the next
/// starts at once, after a failed or short one with <see cref="ResumeBackoff"/>. Each episode of failures logs one
/// warning naming the kind and the reason, and one line when the kind watches again. Handlers run after the cache
/// is updated; one that throws is logged and does not stop the watch.
/// </summary>
/// <param name="trim">Drops parts of each object no reader of this cache needs (see <see cref="CacheTrims"/>), before it is cached.</param>
/// <param name="controller">The controller this cache serves, named in its log lines.</param>
/// <param name="ownerIndex">Keeps children findable by owner (<see cref="OwnedBy"/>) without scanning the cache.</param>
public sealed partial class Informer<T>(ResourceSource<T> source, ILogger logger, InformerOptions? options = null, Action<T>? trim = null,
    TimeProvider? timeProvider = null, Random? jitter = null, string? controller = null, OwnerIndex? ownerIndex = null) : IResourceCache<T>
    where T : IKubernetesObject<V1ObjectMeta>
{
    readonly ConcurrentDictionary<ObjectKey, T> items = new();
    readonly ConcurrentDictionary<ObjectKey, ConcurrentDictionary<ObjectKey, T>> byOwner = new();
    readonly InformerOptions settings = options ?? InformerOptions.Default;
    readonly TimeProvider time = timeProvider ?? TimeProvider.System;
    readonly Random random = jitter ?? Random.Shared;
    readonly TaskCompletionSource synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    readonly string name = controller is null ? source.Name : $"{controller}/{source.Name}";
    string? resourceVersion;
    int failures;

    /// <summary>(event, new object, previous object) after the cache changed.</summary>
    public event Action<WatchEventType, T, T?>? Changed;

    public InformerStatus Status { get; } = new(source.Name, timeProvider ?? TimeProvider.System);

    public bool HasSynced => synced.Task.IsCompleted;

    public long Relists => Status.Relists;

    /// <summary>Watches that ended and were resumed, for any reason.</summary>
    public long WatchesEnded => Status.RestartCount;

    public Task WaitForSyncAsync(CancellationToken cancellationToken) => synced.Task.WaitAsync(cancellationToken);

    public T? Get(string @namespace, string name) => items.GetValueOrDefault(new ObjectKey(@namespace ?? "", name));

    public int Count => items.Count;

    public IEnumerable<T> All => items.Select(static i => i.Value);

    public IReadOnlyCollection<T> OwnedBy(string ownerNamespace, string ownerName) =>
        byOwner.TryGetValue(new ObjectKey(ownerNamespace, ownerName), out var owned) ? [.. owned.Values] : [];

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var delay = ResumeBackoff.Delay(failures, random.NextDouble(), settings);
            if (delay > TimeSpan.Zero)
            {
                LogBackoff(logger, name, delay.TotalSeconds);
                await Task.Delay(delay, time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                if (cancellationToken.IsCancellationRequested) break;
            }
            var failure = await AttemptAsync(cancellationToken);
            if (cancellationToken.IsCancellationRequested) break;
            if (failure is null)
            {
                failures = 0;
                continue;
            }
            failures++;
            if (Status.Failed(failure)) LogEpisode(logger, name, failure);
            else LogStillFailing(logger, name, failures, failure);
        }
    }

    /// <summary>One list (when needed) and watch; null when the watch was healthy, else why the attempt failed.</summary>
    async Task<string?> AttemptAsync(CancellationToken cancellationToken)
    {
        var listed = false;
        try
        {
            if (resourceVersion is null)
            {
                resourceVersion = await RelistAsync(cancellationToken);
                listed = true;
            }
            var end = await WatchAsync(resourceVersion, cancellationToken);
            if (end.Expired && !listed)
            {
                // The usual case after an API server restart: one relist right away, then watch from there.
                Status.Restarted("expired");
                LogExpired(logger, name, end.Reason);
                resourceVersion = await RelistAsync(cancellationToken);
                end = await WatchAsync(resourceVersion, cancellationToken);
            }
            Status.Restarted(end.Label);
            if (end.Relist) resourceVersion = null;
            return end.Healthy ? null : end.Reason;
        }
        catch (Exception e) when (IsGone(e))
        {
            Status.Restarted("expired");
            resourceVersion = null;
            return $"resourceVersion expired ({e.Message})";
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            Status.Restarted("failed");
            return Describe(e);
        }
    }

    async Task<string> RelistAsync(CancellationToken cancellationToken)
    {
        var fresh = new Dictionary<ObjectKey, T>();
        string? next = null;
        string listVersion;
        do
        {
            var page = await source.List(next, settings.PageSize, cancellationToken);
            foreach (var item in page.Items) fresh[Key(Slim(item))] = item;
            listVersion = page.ResourceVersion;
            next = string.IsNullOrEmpty(page.Continue) ? null : page.Continue;
        }
        while (next is not null);
        foreach (var (key, old) in items)
        {
            if (!fresh.ContainsKey(key) && Drop(key) is { } gone) Notify(WatchEventType.Deleted, gone, gone);
        }
        foreach (var (key, item) in fresh)
        {
            var old = Store(key, item);
            if (old is null) Notify(WatchEventType.Added, item, default);
            else if (old.Metadata.ResourceVersion != item.Metadata.ResourceVersion) Notify(WatchEventType.Modified, item, old);
        }
        Status.Listed();
        synced.TrySetResult();
        return listVersion;
    }

    /// <summary>How a watch ended; <paramref name="Relist"/>: its resourceVersion is not to be trusted any more.</summary>
    readonly record struct WatchEnd(string Label, string Reason, bool Healthy, bool Expired = false, bool Relist = false);

    async Task<WatchEnd> WatchAsync(string fromVersion, CancellationToken cancellationToken)
    {
        // The server ends the watch after its timeout; the watchdog restarts one that went silent longer.
        var timeoutSeconds = (int)Math.Max(1, settings.WatchTimeout.TotalSeconds);
        var serverSeconds = timeoutSeconds + random.Next(0, Math.Max(1, timeoutSeconds / 10));
        var silence = TimeSpan.FromSeconds(serverSeconds + 30);
        var started = time.GetTimestamp();
        using var watchdog = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var silenceTimer = time.CreateTimer(static state => ((CancellationTokenSource)state!).Cancel(), watchdog, silence, Timeout.InfiniteTimeSpan);
        // Established once it has stayed open the healthy interval, whether or not anything changed meanwhile.
        var healthyAfter = settings.HealthyWatch < TimeSpan.FromSeconds(serverSeconds) / 2 ? settings.HealthyWatch : TimeSpan.FromSeconds(serverSeconds) / 2;
        using var establishTimer = time.CreateTimer(_ => Established(), null, healthyAfter, Timeout.InfiniteTimeSpan);
        try
        {
            await foreach (var e in source.Watch(fromVersion, serverSeconds, watchdog.Token).WithCancellation(watchdog.Token))
            {
                silenceTimer.Change(silence, Timeout.InfiniteTimeSpan);
                if (e.Type == WatchEventType.Error)
                {
                    var status = e.Error ?? new V1Status { Message = "ERROR event without a status" };
                    var reason = $"{(status.Code is { } code ? code + " " : "")}{status.Reason} {status.Message}".Trim();
                    return IsExpired(status)
                        ? new WatchEnd("expired", $"resourceVersion {fromVersion} expired: {reason}", Healthy: false, Expired: true, Relist: true)
                        : new WatchEnd("error", $"watch error: {reason}", Healthy: false, Relist: true);
                }
                var item = e.Object!;
                if (item.Metadata?.ResourceVersion is { } rv) fromVersion = rv;
                resourceVersion = fromVersion;
                switch (e.Type)
                {
                    case WatchEventType.Added or WatchEventType.Modified:
                        var old = Store(Key(Slim(item)), item);
                        Notify(old is null ? WatchEventType.Added : WatchEventType.Modified, item, old);
                        break;
                    case WatchEventType.Deleted:
                        Drop(Key(item));
                        Notify(WatchEventType.Deleted, item, item);
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            LogWatchdog(logger, name);
            return new WatchEnd("watchdog", "watch silent too long", Healthy: true);
        }
        var lasted = time.GetElapsedTime(started);
        return lasted >= healthyAfter
            ? new WatchEnd("timeout", "watch ended by the server", Healthy: true)
            // Ended at once without a word: most likely a resourceVersion the server no longer serves, so relist.
            : new WatchEnd("short", $"watch ended after {lasted.TotalMilliseconds:0} ms without an error", Healthy: false, Relist: true);
    }

    void Established()
    {
        var (ended, lasted, attempts) = Status.Established();
        if (ended) LogRecovered(logger, name, lasted.TotalSeconds, attempts);
    }

    void Notify(WatchEventType type, T item, T? old)
    {
        if (Changed is not { } handlers) return;
        foreach (var handler in handlers.GetInvocationList())
        {
            try
            {
                ((Action<WatchEventType, T, T?>)handler)(type, item, old);
            }
            catch (Exception e)
            {
                LogHandlerFailed(logger, e, name, item.Metadata?.NamespaceProperty, item.Metadata?.Name);
            }
        }
    }

    /// <summary>Caches the object and moves it in the owner index; returns what it replaced. Only the run loop writes.</summary>
    T? Store(ObjectKey key, T item)
    {
        items.TryGetValue(key, out var old);
        items[key] = item;
        if (ownerIndex is not null)
        {
            var before = old is null ? null : ownerIndex.OwnerOf(old.Metadata);
            var after = ownerIndex.OwnerOf(item.Metadata);
            if (before is { } b && before != after) Unindex(b, key);
            if (after is { } a) byOwner.GetOrAdd(a, static _ => new ConcurrentDictionary<ObjectKey, T>())[key] = item;
        }
        return old;
    }

    T? Drop(ObjectKey key)
    {
        if (!items.TryRemove(key, out var old)) return default;
        if (ownerIndex?.OwnerOf(old.Metadata) is { } owner) Unindex(owner, key);
        return old;
    }

    void Unindex(ObjectKey owner, ObjectKey key)
    {
        if (!byOwner.TryGetValue(owner, out var owned)) return;
        owned.TryRemove(key, out _);
        if (owned.IsEmpty) byOwner.TryRemove(new KeyValuePair<ObjectKey, ConcurrentDictionary<ObjectKey, T>>(owner, owned));
    }

    static ObjectKey Key(T item) => new(item.Metadata.NamespaceProperty ?? "", item.Metadata.Name);

    /// <summary>
    /// Drops what no reconciler reads before caching: managedFields (often the largest part of a Pod or
    /// Node) and kubectl's last-applied copy of the whole object. Keeps the operator's memory flat.
    /// </summary>
    T Slim(T item)
    {
        item.Metadata.ManagedFields = null;
        item.Metadata.Annotations?.Remove(Annotations.KubectlLastAppliedConfiguration);
        trim?.Invoke(item);
        return item;
    }

    static bool IsExpired(V1Status status) => status.Code == 410 || status.Reason is "Expired" or "Gone";

    static bool IsGone(Exception e) =>
        e is HttpOperationException { Response.StatusCode: HttpStatusCode.Gone }
        || e is KubernetesException { Status: { } status } && IsExpired(status)
        || e.InnerException is not null && IsGone(e.InnerException);

    static string Describe(Exception e) => e switch
    {
        HttpOperationException h => $"{(int)h.Response.StatusCode} {h.Response.ReasonPhrase}: {Truncate(h.Response.Content)}",
        _ when e.InnerException is { } inner => $"{e.Message} ({inner.Message})",
        _ => e.Message,
    };

    static string Truncate(string? text) => text is null ? "" : text.Length <= 300 ? text : text[..300] + "…";

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Kind}: lost the watch ({Reason}); retrying with backoff until it is back")]
    static partial void LogEpisode(ILogger logger, string kind, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Kind}: attempt {Attempt} failed ({Reason})")]
    static partial void LogStillFailing(ILogger logger, string kind, int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Kind}: watching again after {Seconds:0.0}s and {Attempts} failed attempts")]
    static partial void LogRecovered(ILogger logger, string kind, double seconds, int attempts);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Kind}: next list/watch in {Seconds:0.00}s")]
    static partial void LogBackoff(ILogger logger, string kind, double seconds);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Kind}: {Reason}; re-listing")]
    static partial void LogExpired(ILogger logger, string kind, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Kind}: watch silent too long, restarting it")]
    static partial void LogWatchdog(ILogger logger, string kind);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Kind}: an event handler failed on {Namespace}/{Name}; the watch goes on")]
    static partial void LogHandlerFailed(ILogger logger, Exception exception, string kind, string? @namespace, string? name);
}

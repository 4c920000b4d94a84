namespace Kaito.Reconcilers.Runtime;

/// <summary>
/// Keys waiting for a reconcile. A key is queued at most once; a key being processed is never handed to
/// a second worker: re-added meanwhile, it runs again after <see cref="Done"/>. Failures back off per key
/// (5 ms doubling to 5 min) under a global token bucket, so a storm of errors cannot hammer the API server.
/// </summary>
public sealed class WorkQueue(TimeProvider? time = null, double tokensPerSecond = 10, int burst = 100, RuntimeMetrics.QueueStats? metrics = null)
{
    readonly TimeProvider clock = time ?? TimeProvider.System;
    readonly RuntimeMetrics.QueueStats stats = metrics ?? new RuntimeMetrics.QueueStats();
    readonly Dictionary<ObjectKey, long> enqueuedAt = [];
    readonly object gate = new();
    readonly LinkedList<ObjectKey> queue = new();
    readonly HashSet<ObjectKey> queued = [];
    readonly HashSet<ObjectKey> processing = [];
    readonly HashSet<ObjectKey> dirty = [];
    readonly Dictionary<ObjectKey, int> failures = [];
    readonly SemaphoreSlim available = new(0);
    double tokens = burst;
    DateTimeOffset lastRefill = (time ?? TimeProvider.System).GetUtcNow();

    public RuntimeMetrics.QueueStats Metrics => stats;

    public int Count
    {
        get { lock (gate) return queue.Count; }
    }

    public void Add(ObjectKey key)
    {
        lock (gate)
        {
            if (processing.Contains(key))
            {
                dirty.Add(key);
                return;
            }
            if (!queued.Add(key)) return;
            queue.AddLast(key);
            enqueuedAt[key] = clock.GetTimestamp();
        }
        stats.Added();
        available.Release();
    }

    public void AddAfter(ObjectKey key, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(key);
            return;
        }
        ITimer? timer = null;
        timer = clock.CreateTimer(_ =>
        {
            Add(key);
            timer?.Dispose();
        }, null, delay, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Re-queues after this key's next backoff step, within the global rate.</summary>
    public void AddRateLimited(ObjectKey key)
    {
        stats.Retried();
        AddAfter(key, Backoff(key));
    }

    public TimeSpan Backoff(ObjectKey key)
    {
        lock (gate)
        {
            var attempts = failures.GetValueOrDefault(key);
            failures[key] = attempts + 1;
            var perItem = TimeSpan.FromMilliseconds(Math.Min(5 * Math.Pow(2, attempts), TimeSpan.FromMinutes(5).TotalMilliseconds));
            var now = clock.GetUtcNow();
            tokens = Math.Min(burst, tokens + (now - lastRefill).TotalSeconds * tokensPerSecond);
            lastRefill = now;
            tokens -= 1;
            var global = tokens >= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(-tokens / tokensPerSecond);
            return perItem > global ? perItem : global;
        }
    }

    /// <summary>Clears the key's failure history after a successful reconcile.</summary>
    public void Forget(ObjectKey key)
    {
        lock (gate) failures.Remove(key);
    }

    public int Failures(ObjectKey key)
    {
        lock (gate) return failures.GetValueOrDefault(key);
    }

    /// <summary>The next key to process; waits until there is one (cancel to stop).</summary>
    public async Task<ObjectKey?> GetAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await available.WaitAsync(cancellationToken);
            lock (gate)
            {
                if (queue.First is not { } first) continue;
                queue.RemoveFirst();
                queued.Remove(first.Value);
                processing.Add(first.Value);
                if (enqueuedAt.Remove(first.Value, out var since)) stats.Wait.Observe(clock.GetElapsedTime(since).TotalSeconds);
                return first.Value;
            }
        }
    }

    public void Done(ObjectKey key)
    {
        bool again;
        lock (gate)
        {
            processing.Remove(key);
            again = dirty.Remove(key);
        }
        if (again) Add(key);
    }
}

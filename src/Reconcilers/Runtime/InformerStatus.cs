using System.Collections.Concurrent;

namespace Kaito.Reconcilers.Runtime;

/// <summary>
/// How one informer is doing, for logs, /metrics and /readyz: whether it has synced and is watching, and since when it
/// has failed to keep a watch open (an episode: from the first failed attempt to the next established watch).
/// </summary>
public sealed class InformerStatus(string kind, TimeProvider time)
{
    readonly Lock gate = new();
    readonly DateTimeOffset created = time.GetUtcNow();
    readonly ConcurrentDictionary<string, long> restarts = new(StringComparer.Ordinal);
    long relists;
    volatile bool synced, watching;
    DateTimeOffset? troubleSince;
    string? trouble;
    int failedAttempts;

    public string Kind { get; } = kind;

    public bool Synced => synced;

    /// <summary>A watch has been open for the healthy interval and has not ended since.</summary>
    public bool Watching => watching;

    public long Relists => Interlocked.Read(ref relists);

    /// <summary>Watches ended and resumed, by reason: timeout, watchdog, expired, error, failed, short.</summary>
    public IReadOnlyDictionary<string, long> Restarts => restarts;

    public long RestartCount => restarts.Values.Sum();

    public void Listed()
    {
        Interlocked.Increment(ref relists);
        synced = true;
    }

    public void Restarted(string reason)
    {
        watching = false;
        restarts.AddOrUpdate(reason, 1, static (_, n) => n + 1);
    }

    /// <summary>Records a failed attempt; true when it opens an episode (the one moment worth a warning).</summary>
    public bool Failed(string reason)
    {
        lock (gate)
        {
            watching = false;
            trouble = reason;
            failedAttempts++;
            if (troubleSince is not null) return false;
            troubleSince = time.GetUtcNow();
            return true;
        }
    }

    /// <summary>A watch stayed open: ends the episode, if any, and says how long it lasted and how many attempts failed in it.</summary>
    public (bool EndedEpisode, TimeSpan Lasted, int Attempts) Established()
    {
        lock (gate)
        {
            watching = true;
            var since = troubleSince;
            var attempts = failedAttempts;
            troubleSince = null;
            trouble = null;
            failedAttempts = 0;
            return since is { } t ? (true, time.GetUtcNow() - t, attempts) : (false, TimeSpan.Zero, 0);
        }
    }

    /// <summary>Why this kind counts as stalled (not synced, or failing, for at least <paramref name="after"/>), else null.</summary>
    public string? Stalled(TimeSpan after)
    {
        var now = time.GetUtcNow();
        lock (gate)
        {
            var why = trouble is null ? "" : $" ({failedAttempts} attempts failed; last: {trouble})";
            if (!synced && now - created >= after) return $"{Kind}: not synced after {(now - created).TotalSeconds:0}s{why}";
            if (troubleSince is { } since && now - since >= after) return $"{Kind}: no watch for {(now - since).TotalSeconds:0}s{why}";
            return null;
        }
    }
}

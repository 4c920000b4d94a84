using System.Collections.Concurrent;

namespace Kaito.Reconcilers.Runtime;

/// <summary>
/// The informers running in this process (while it leads), by controller and kind: /readyz reports the stalled ones,
/// /metrics exposes kaito_informer_watching, kaito_informer_watch_restarts_total and kaito_informer_relists_total.
/// </summary>
public sealed class InformerHealth
{
    readonly ConcurrentDictionary<(string Controller, string Kind), InformerStatus> running = new();

    public static InformerHealth Default { get; } = new(RuntimeMetrics.Default);

    public InformerHealth(RuntimeMetrics metrics)
    {
        metrics.Gauge("kaito_informer_watching", () => Each().Select(e => (e.Labels, e.Status.Watching ? 1.0 : 0.0)));
        metrics.Counter("kaito_informer_relists_total", () => Each().Select(e => (e.Labels, (double)e.Status.Relists)));
        metrics.Counter("kaito_informer_watch_restarts_total", () => Each().SelectMany(e =>
            e.Status.Restarts.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => ($"{e.Labels},reason=\"{r.Key}\"", (double)r.Value))));
    }

    /// <summary>Tracks an informer until the returned handle is disposed (when its controller stops).</summary>
    public IDisposable Track(string controller, InformerStatus status)
    {
        running[(controller, status.Kind)] = status;
        return new Untrack(() => running.TryRemove(new KeyValuePair<(string, string), InformerStatus>((controller, status.Kind), status)));
    }

    /// <summary>"controller/kind: why" for every informer not synced, or failing to keep a watch, for at least <paramref name="after"/>.</summary>
    public IReadOnlyList<string> Stalled(TimeSpan after) =>
        [.. running.OrderBy(r => r.Key).Select(r => r.Value.Stalled(after) is { } why ? $"{r.Key.Controller}/{why}" : null).OfType<string>()];

    IEnumerable<(string Labels, InformerStatus Status)> Each() =>
        running.OrderBy(r => r.Key).Select(r => ($"controller=\"{r.Key.Controller}\",kind=\"{r.Key.Kind}\"", r.Value));

    sealed class Untrack(Action remove) : IDisposable
    {
        public void Dispose() => remove();
    }
}

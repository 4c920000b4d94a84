using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using k8s;
using k8s.Models;
using Kaito.Reconcilers.Runtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Kaito.Reconcilers.Tests.Runtime;

/// <summary>
/// A scripted list/watch source on a fake clock: each watch call takes the next script (or, when none is left,
/// stays open until cancelled), and every call is recorded with the fake time it was made at.
/// </summary>
sealed class FakeResourceSource(FakeTimeProvider time)
{
    readonly ConcurrentQueue<Func<CancellationToken, IAsyncEnumerable<StreamEvent<V1ConfigMap>>>> watches = new();

    public List<V1ConfigMap> Objects { get; } = [];

    public string ListVersion { get; set; } = "1";

    /// <summary>Page size the informer asked for, and how the fake splits its list.</summary>
    public int? PageSizeSeen { get; private set; }

    public Func<Exception?> ListFailure { get; set; } = () => null;

    public ConcurrentQueue<(TimeSpan At, string? Continue)> Lists { get; } = new();

    public ConcurrentQueue<(TimeSpan At, string ResourceVersion)> Watches { get; } = new();

    readonly DateTimeOffset start = time.GetUtcNow();

    TimeSpan Now => time.GetUtcNow() - start;

    public ResourceSource<V1ConfigMap> Source => new("configmaps", ListAsync, Watch);

    public void Then(Func<CancellationToken, IAsyncEnumerable<StreamEvent<V1ConfigMap>>> watch) => watches.Enqueue(watch);

    public void ThenExpired() => Then(_ => Events(StreamEvent<V1ConfigMap>.Failure(new V1Status { Code = 410, Reason = "Expired", Message = "too old resource version" })));

    public void ThenFails(Exception e) => Then(_ => Throwing(e));

    public void ThenEnds(params StreamEvent<V1ConfigMap>[] events) => Then(_ => Events(events));

    /// <summary>Sends the events, then stays open until cancelled.</summary>
    public void ThenOpen(params StreamEvent<V1ConfigMap>[] events) => Then(ct => Open(events, ct));

    Task<ListPage<V1ConfigMap>> ListAsync(string? next, int limit, CancellationToken cancellationToken)
    {
        Lists.Enqueue((Now, next));
        PageSizeSeen = limit;
        if (ListFailure() is { } failure) return Task.FromException<ListPage<V1ConfigMap>>(failure);
        var from = next is null ? 0 : int.Parse(next, System.Globalization.CultureInfo.InvariantCulture);
        var page = Objects.Skip(from).Take(limit).Select(Copy).ToList();
        var more = from + limit < Objects.Count ? (from + limit).ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
        return Task.FromResult(new ListPage<V1ConfigMap>(page, ListVersion, more));
    }

    IAsyncEnumerable<StreamEvent<V1ConfigMap>> Watch(string resourceVersion, int timeoutSeconds, CancellationToken cancellationToken)
    {
        Watches.Enqueue((Now, resourceVersion));
        return watches.TryDequeue(out var script) ? script(cancellationToken) : Open([], cancellationToken);
    }

    static V1ConfigMap Copy(V1ConfigMap o) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = o.Metadata.Name, NamespaceProperty = o.Metadata.NamespaceProperty, ResourceVersion = o.Metadata.ResourceVersion,
            Labels = o.Metadata.Labels is null ? null : new Dictionary<string, string>(o.Metadata.Labels),
        },
    };

    public static V1ConfigMap Map(string name, string resourceVersion) =>
        new() { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "ns", ResourceVersion = resourceVersion } };

    public static StreamEvent<V1ConfigMap> Added(string name, string resourceVersion) => new(WatchEventType.Added, Map(name, resourceVersion), null);

    static async IAsyncEnumerable<StreamEvent<V1ConfigMap>> Events(params StreamEvent<V1ConfigMap>[] events)
    {
        await Task.Yield();
        foreach (var e in events) yield return e;
    }

    static async IAsyncEnumerable<StreamEvent<V1ConfigMap>> Throwing(Exception e)
    {
        await Task.Yield();
        if (e is not null) throw e;
        yield break;
    }

    static async IAsyncEnumerable<StreamEvent<V1ConfigMap>> Open(StreamEvent<V1ConfigMap>[] events, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var e in events) yield return e;
        await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        cancellationToken.ThrowIfCancellationRequested();
    }
}

/// <summary>Jitter pinned to one value, so waits are exact.</summary>
sealed class FixedRandom(double value) : Random
{
    public override double NextDouble() => value;

    public override int Next(int minValue, int maxValue) => minValue;
}

sealed class RecordingLogger : ILogger
{
    public ConcurrentQueue<(LogLevel Level, string Message)> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Entries.Enqueue((logLevel, formatter(state, exception) + (exception is null ? "" : $" ({exception.GetType().Name}: {exception.Message})")));

    public IReadOnlyList<string> AtLeast(LogLevel level) => [.. Entries.Where(e => e.Level >= level).Select(e => e.Message)];
}

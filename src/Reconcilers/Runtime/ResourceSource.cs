using k8s;
using k8s.Models;

namespace Kaito.Reconcilers.Runtime;

/// <summary>One page of a list: its items, the list's resourceVersion, and the token for the next page (null on the last).</summary>
public sealed record ListPage<T>(IList<T> Items, string ResourceVersion, string? Continue);

/// <summary>
/// One line of a watch stream: an object event (ADDED, MODIFIED, DELETED, BOOKMARK) or an ERROR with the server's
/// status (410 Expired when the watched resourceVersion is no longer served; a decode failure is reported the same way).
/// </summary>
public readonly record struct StreamEvent<T>(WatchEventType Type, T? Object, V1Status? Error)
{
    public static StreamEvent<T> Failure(V1Status status) => new(WatchEventType.Error, default, status);
}

/// <summary>How to list (one page at a time) and to watch one kind, for an <see cref="Informer{T}"/>.</summary>
/// <param name="Name">The kind's plural, as logs, metrics and /readyz name it.</param>
/// <param name="List">(continue token or null, page size) → one page.</param>
/// <param name="Watch">(resourceVersion, server timeout in seconds) → the events until the server ends the watch.</param>
public sealed record ResourceSource<T>(
    string Name,
    Func<string?, int, CancellationToken, Task<ListPage<T>>> List,
    Func<string, int, CancellationToken, IAsyncEnumerable<StreamEvent<T>>> Watch);

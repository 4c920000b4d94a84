using System.Runtime.CompilerServices;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Kaito.Reconcilers.Runtime;

/// <summary>
/// Reads a watch response of the Kubernetes client as <see cref="StreamEvent{T}"/>s. The client hands ERROR lines
/// (such as 410 "too old resource version" after an API server restart) and undecodable lines only to an error
/// callback and otherwise drops them, so a watch whose resourceVersion expired looked like one that ended quietly;
/// here they are events the informer acts on.
/// </summary>
public static class WatchStream
{
    // The client reads each event line into this type by reflection; a trimmed Native AOT build must keep its constructor.
    [System.Diagnostics.CodeAnalysis.DynamicDependency(System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.All, typeof(Watcher<KubernetesObject>.WatchEvent))]
    public static async IAsyncEnumerable<StreamEvent<T>> Read<T, TList>(Task<HttpOperationResponse<TList>> response,
        [EnumeratorCancellation] CancellationToken cancellationToken)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        var errors = new Queue<Exception>();
        // One code path for typed and custom kinds; the per-kind WatchListAsync clients do not cover CRDs.
#pragma warning disable CS0618
        var events = response.WatchAsync<T, TList>(errors.Enqueue, cancellationToken).GetAsyncEnumerator(cancellationToken);
#pragma warning restore CS0618
        await using var _ = events.ConfigureAwait(false);
        while (true)
        {
            bool more;
            try
            {
                more = await events.MoveNextAsync().ConfigureAwait(false);
            }
            catch (HttpRequestException e) when (e.InnerException is EndOfStreamException)
            {
                // The client peeks at the first line of a watch: one the server closes before any event ends here.
                more = false;
            }
            while (errors.TryDequeue(out var error)) yield return StreamEvent<T>.Failure(AsStatus(error));
            if (!more) yield break;
            yield return new StreamEvent<T>(events.Current.Item1, events.Current.Item2, null);
        }
    }

    static V1Status AsStatus(Exception error) => error is KubernetesException { Status: { } status }
        ? status
        : new V1Status { Status = "Failure", Reason = "InvalidWatchEvent", Message = $"{error.GetType().Name}: {error.Message}" };
}

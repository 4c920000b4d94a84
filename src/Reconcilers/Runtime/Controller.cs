using Microsoft.Extensions.Logging;

namespace Kaito.Reconcilers.Runtime;

/// <summary>N workers taking keys from the queue into a reconciler: errors back off, requeues are honoured.</summary>
public sealed partial class Controller(string name, IReconciler reconciler, WorkQueue queue, int workers, ILogger logger)
{
    public WorkQueue Queue { get; } = queue;

    public long Reconciles => Interlocked.Read(ref reconciles);

    long reconciles;

    public Task RunAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(() => WorkAsync(cancellationToken), CancellationToken.None)));

    async Task WorkAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            ObjectKey? next;
            try
            {
                next = await Queue.GetAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            if (next is not { } key) return;
            try
            {
                Interlocked.Increment(ref reconciles);
                var result = await reconciler.ReconcileAsync(key, cancellationToken);
                Queue.Forget(key);
                if (result.RequeueAfter is { } delay) Queue.AddAfter(key, delay);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogReconcileFailed(logger, e, name, key.ToString(), Queue.Failures(key) + 1);
                Queue.AddRateLimited(key);
            }
            finally
            {
                Queue.Done(key);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Controller}: reconcile of {Key} failed (attempt {Attempt}); retrying with backoff")]
    static partial void LogReconcileFailed(ILogger logger, Exception exception, string controller, string key, int attempt);
}

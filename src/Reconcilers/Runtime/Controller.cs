using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Kaito.Reconcilers.Runtime;

/// <summary>N workers taking keys from the queue into a reconciler: errors back off, requeues are honoured.</summary>
public sealed partial class Controller(string name, IReconciler reconciler, WorkQueue queue, int workers, ILogger logger, RuntimeMetrics? metrics = null)
{
    readonly RuntimeMetrics.ControllerStats stats = Register(metrics ?? RuntimeMetrics.Default, name, queue, workers);

    public WorkQueue Queue { get; } = queue;

    static RuntimeMetrics.ControllerStats Register(RuntimeMetrics metrics, string name, WorkQueue queue, int workers)
    {
        var stats = metrics.Controller(name);
        stats.MaxWorkers = workers;
        return stats;
    }

    public long Reconciles => Interlocked.Read(ref reconciles);

    long reconciles;

    /// <summary>How long in-flight reconciles may run on after a stop is requested before they are cancelled.</summary>
    public TimeSpan ShutdownGrace { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Runs the workers until <paramref name="stopping"/> fires; then no new key is taken, and reconciles already
    /// running finish (cancelled only if they outlast <see cref="ShutdownGrace"/>), so a stop never cuts a chain of writes short.
    /// </summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        using var hardStop = new CancellationTokenSource();
        using var grace = stopping.Register(() => hardStop.CancelAfter(ShutdownGrace));
        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(() => WorkAsync(stopping, hardStop.Token), CancellationToken.None)));
        if (stopping.IsCancellationRequested) LogStopped(logger, name);
    }

    async Task WorkAsync(CancellationToken stopping, CancellationToken cancellationToken)
    {
        while (!stopping.IsCancellationRequested)
        {
            ObjectKey? next;
            try
            {
                next = await Queue.GetAsync(stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            if (next is not { } key) return;
            var started = Stopwatch.GetTimestamp();
            var failed = false;
            var requeued = false;
            stats.Started();
            using var scope = logger.BeginScope(new Dictionary<string, object> { ["controller"] = name, ["namespace"] = key.Namespace, ["name"] = key.Name });
            try
            {
                Interlocked.Increment(ref reconciles);
                var result = await reconciler.ReconcileAsync(key, cancellationToken);
                Queue.Forget(key);
                if (result.RequeueAfter is { } delay)
                {
                    requeued = true;
                    Queue.AddAfter(key, delay);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                failed = true;
                LogReconcileFailed(logger, e, name, key.ToString(), Queue.Failures(key) + 1);
                Queue.AddRateLimited(key);
            }
            finally
            {
                var elapsed = Stopwatch.GetElapsedTime(started);
                stats.Finished(elapsed, failed, requeued);
                Queue.Metrics.Work.Observe(elapsed.TotalSeconds);
                Queue.Done(key);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Controller}: stopped; in-flight reconciles finished")]
    static partial void LogStopped(ILogger logger, string controller);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Controller}: reconcile of {Key} failed (attempt {Attempt}); retrying with backoff")]
    static partial void LogReconcileFailed(ILogger logger, Exception exception, string controller, string key, int attempt);
}

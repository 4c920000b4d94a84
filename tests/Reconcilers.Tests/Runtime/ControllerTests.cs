using Kaito.Reconcilers.Runtime;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kaito.Reconcilers.Tests.Runtime;

public sealed class ControllerTests
{
    sealed class BlockingReconciler : IReconciler
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public bool Completed { get; private set; }
        public bool Cancelled { get; private set; }

        public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
        {
            Entered.TrySetResult();
            try
            {
                await Release.Task.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                Cancelled = true;
                throw;
            }
            Completed = true;
            return key.Name == "fail" ? throw new InvalidOperationException("boom") : ReconcileResult.Done;
        }
    }

    [Fact]
    public async Task Stop_lets_the_in_flight_reconcile_finish_and_takes_no_new_key()
    {
        var reconciler = new BlockingReconciler();
        var queue = new WorkQueue();
        var controller = new Controller("test-stop", reconciler, queue, 1, NullLogger.Instance, new RuntimeMetrics());
        using var stop = new CancellationTokenSource();
        queue.Add(new ObjectKey("ns", "a"));
        var run = controller.RunAsync(stop.Token);
        await reconciler.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10));

        stop.Cancel();
        queue.Add(new ObjectKey("ns", "b"));
        Assert.False(run.IsCompleted);
        reconciler.Release.SetResult();
        await run.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(reconciler.Completed);
        Assert.False(reconciler.Cancelled);
        Assert.Equal(1, controller.Reconciles);
    }

    [Fact]
    public async Task A_reconcile_that_outlasts_the_grace_is_cancelled()
    {
        var reconciler = new BlockingReconciler();
        var queue = new WorkQueue();
        var controller = new Controller("test-grace", reconciler, queue, 1, NullLogger.Instance, new RuntimeMetrics()) { ShutdownGrace = TimeSpan.FromMilliseconds(50) };
        using var stop = new CancellationTokenSource();
        queue.Add(new ObjectKey("ns", "a"));
        var run = controller.RunAsync(stop.Token);
        await reconciler.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10));

        stop.Cancel();
        await run.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(reconciler.Cancelled);
        Assert.False(reconciler.Completed);
    }

    [Fact]
    public async Task Metrics_count_successes_errors_retries_and_adds_under_controller_runtime_names()
    {
        var metrics = new RuntimeMetrics();
        var reconciler = new BlockingReconciler();
        reconciler.Release.SetResult();
        var queue = new WorkQueue(metrics: metrics.Queue("test"));
        metrics.Queue("test").Depth = () => queue.Count;
        var controller = new Controller("test", reconciler, queue, 1, NullLogger.Instance, metrics);
        using var stop = new CancellationTokenSource();
        queue.Add(new ObjectKey("ns", "ok"));
        queue.Add(new ObjectKey("ns", "fail"));
        var run = controller.RunAsync(stop.Token);
        await Eventually(() => metrics.Controller("test").Errors >= 1 && metrics.Controller("test").Success >= 1);
        stop.Cancel();
        await run.WaitAsync(TimeSpan.FromSeconds(10));

        var text = metrics.Render();
        Assert.Contains("controller_runtime_reconcile_total{controller=\"test\",result=\"success\"} 1\n", text, StringComparison.Ordinal);
        Assert.Matches("controller_runtime_reconcile_errors_total\\{controller=\"test\"\\} [1-9]", text);
        Assert.Matches("workqueue_retries_total\\{name=\"test\"\\} [1-9]", text);
        Assert.Matches("workqueue_adds_total\\{name=\"test\"\\} [2-9]", text);
        Assert.Contains("controller_runtime_reconcile_time_seconds_bucket{controller=\"test\",le=\"+Inf\"}", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE workqueue_depth gauge\nworkqueue_depth{name=\"test\"}", text, StringComparison.Ordinal);
    }

    static async Task Eventually(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 10 s");
            await Task.Delay(10);
        }
    }
}

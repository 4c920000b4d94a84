using Kaito.Reconcilers.Runtime;
using Microsoft.Extensions.Time.Testing;

namespace Kaito.Reconcilers.Tests.Runtime;

/// <summary>The work queue's ordering, de-duplication and backoff, on a fake clock.</summary>
public sealed class WorkQueueTests
{
    static readonly ObjectKey A = new("ns", "a");
    static readonly ObjectKey B = new("ns", "b");

    static async Task<ObjectKey?> Next(WorkQueue queue)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        return await queue.GetAsync(timeout.Token);
    }

    [Fact]
    public void Failures_back_off_per_key_from_5ms_doubling_to_5_minutes_and_forget_resets()
    {
        var queue = new WorkQueue(new FakeTimeProvider(), tokensPerSecond: 1000, burst: 1000);
        var waits = Enumerable.Range(0, 20).Select(_ => queue.Backoff(A).TotalMilliseconds).ToList();
        Assert.Equal([5, 10, 20, 40, 80, 160, 320, 640, 1280, 2560, 5120, 10240, 20480, 40960, 81920, 163840, 300000, 300000, 300000, 300000], waits);
        Assert.Equal(5, queue.Backoff(B).TotalMilliseconds);
        queue.Forget(A);
        Assert.Equal(0, queue.Failures(A));
        Assert.Equal(5, queue.Backoff(A).TotalMilliseconds);
    }

    [Fact]
    public void A_storm_of_failures_is_held_to_the_global_rate_once_the_burst_is_spent()
    {
        var time = new FakeTimeProvider();
        var queue = new WorkQueue(time, tokensPerSecond: 10, burst: 3);
        var keys = Enumerable.Range(0, 5).Select(i => new ObjectKey("ns", $"k{i}")).ToList();
        var waits = keys.Select(k => queue.Backoff(k).TotalMilliseconds).ToList();
        Assert.Equal([5, 5, 5, 100, 200], waits);
        time.Advance(TimeSpan.FromSeconds(10));   // the bucket refills
        Assert.Equal(5, queue.Backoff(new ObjectKey("ns", "later")).TotalMilliseconds);
    }

    [Fact]
    public async Task AddAfter_waits_on_the_clock_and_a_key_is_queued_once()
    {
        var time = new FakeTimeProvider();
        var queue = new WorkQueue(time);
        queue.AddAfter(A, TimeSpan.FromSeconds(30));
        queue.Add(B);
        queue.Add(B);
        Assert.Equal(1, queue.Count);
        Assert.Equal(B, await Next(queue));
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(0, queue.Count);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(A, await Next(queue));
    }

    [Fact]
    public async Task A_key_added_while_it_is_processed_runs_again_after_done_never_twice_at_once()
    {
        var queue = new WorkQueue(new FakeTimeProvider());
        queue.Add(A);
        Assert.Equal(A, await Next(queue));
        queue.Add(A);                     // an event arrives mid-reconcile
        Assert.Equal(0, queue.Count);     // not handed to a second worker
        queue.Done(A);
        Assert.Equal(1, queue.Count);
        Assert.Equal(A, await Next(queue));
    }
}

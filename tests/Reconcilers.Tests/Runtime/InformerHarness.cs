using System.Collections.Concurrent;
using k8s.Models;
using Kaito.Reconcilers.Runtime;
using Microsoft.Extensions.Time.Testing;

namespace Kaito.Reconcilers.Tests.Runtime;

/// <summary>A fake clock that records every timer created on it, so a test can wait until the informer is waiting.</summary>
sealed class RecordingTimeProvider : FakeTimeProvider
{
    readonly ConcurrentQueue<TimeSpan> created = new();
    int consumed;

    public RecordingTimeProvider() : base(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero)) { }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        created.Enqueue(dueTime);
        return base.CreateTimer(callback, state, dueTime, period);
    }

    /// <summary>Waits (in real time) until a timer of <paramref name="due"/> has been created since the last wait, then fires it.</summary>
    public async Task AdvancePastTimerAsync(TimeSpan due)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var all = created.ToArray();
            var index = Array.FindIndex(all, consumed, t => t == due);
            if (index >= 0)
            {
                consumed = index + 1;
                Advance(due);
                return;
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"no timer of {due.TotalSeconds}s was created; timers: {string.Join(", ", all.Skip(consumed).Select(t => t.TotalSeconds))}");
            await Task.Delay(5);
        }
    }
}

/// <summary>An informer over a <see cref="FakeResourceSource"/> on a recording fake clock, with jitter pinned.</summary>
sealed class InformerHarness : IAsyncDisposable
{
    /// <summary>Distinct from every backoff wait (0.5, 1, 2, 4, 5 s), so the test can tell the timers apart.</summary>
    public static readonly TimeSpan Healthy = TimeSpan.FromMilliseconds(750);

    readonly CancellationTokenSource stop = new();
    Task? run;

    public InformerHarness(double jitter = 0, int pageSize = 500, OwnerIndex? owners = null)
    {
        Fake = new FakeResourceSource(Time);
        Options = InformerOptions.Default with { HealthyWatch = Healthy, PageSize = pageSize };
        Informer = new Informer<V1ConfigMap>(Fake.Source, Log, Options, timeProvider: Time, jitter: new FixedRandom(jitter), ownerIndex: owners);
    }

    public RecordingTimeProvider Time { get; } = new();

    public FakeResourceSource Fake { get; }

    public RecordingLogger Log { get; } = new();

    public InformerOptions Options { get; }

    public Informer<V1ConfigMap> Informer { get; }

    public void Start() => run = Informer.RunAsync(stop.Token);

    /// <summary>Waits in real time (the informer runs on the thread pool) for a condition on what it did.</summary>
    public static async Task WaitAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("timed out waiting for " + what);
            await Task.Delay(5);
        }
    }

    /// <summary>From the first watch call on, fires each backoff wait in turn and waits for the watch call that follows it.</summary>
    public async Task StepThroughBackoffAsync(double[] waits)
    {
        await WatchCallsAsync(1);
        for (var i = 0; i < waits.Length; i++)
        {
            await Time.AdvancePastTimerAsync(TimeSpan.FromSeconds(waits[i]));
            await WatchCallsAsync(i + 2);
        }
    }

    public Task WatchCallsAsync(int count) => WaitAsync(() => Fake.Watches.Count >= count, $"{count} watch calls (have {Fake.Watches.Count})");

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        if (run is not null) await run.ContinueWith(_ => { }, TaskScheduler.Default);
        stop.Dispose();
    }
}

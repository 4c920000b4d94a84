namespace Kaito.Reconcilers.Runtime;

/// <summary>
/// The wait before an informer's next list/watch attempt. None after a healthy watch (one that stayed open for
/// <see cref="InformerOptions.HealthyWatch"/>, so a kind resumes at most once per that interval); after consecutive
/// failed attempts it doubles from <see cref="InformerOptions.InitialBackoff"/> up to <see cref="InformerOptions.MaxBackoff"/>,
/// each wait stretched by up to a quarter at random so that kinds and replicas do not retry in step.
/// The cap is short on purpose: it bounds how long after the API server is back an informer may still be waiting.
/// </summary>
public static class ResumeBackoff
{
    public const double Jitter = 0.25;

    /// <param name="failures">Consecutive failed attempts (0: the last attempt was healthy).</param>
    /// <param name="random">A number in [0, 1) for the jitter.</param>
    public static TimeSpan Delay(int failures, double random, InformerOptions options)
    {
        if (failures <= 0) return TimeSpan.Zero;
        var doubled = options.InitialBackoff.Ticks * Math.Pow(2, Math.Min(failures - 1, 30));
        var capped = Math.Min(doubled, options.MaxBackoff.Ticks);
        return TimeSpan.FromTicks((long)(capped * (1 + Jitter * random)));
    }
}

/// <summary>Timing of an informer's list/watch cycle.</summary>
/// <param name="WatchTimeout">Server-side timeout asked for each watch (the server ends it then; the informer resumes).</param>
/// <param name="HealthyWatch">A watch that stays open this long counts as established: the kind is watching again and the backoff resets.</param>
/// <param name="InitialBackoff">Wait after the first failed attempt.</param>
/// <param name="MaxBackoff">Longest wait between attempts, before jitter.</param>
/// <param name="PageSize">Items per page of a relist.</param>
/// <param name="StalledAfter">A kind that has not synced, or has failed to keep a watch for this long, is reported by /readyz.</param>
public sealed record InformerOptions(
    TimeSpan WatchTimeout,
    TimeSpan HealthyWatch,
    TimeSpan InitialBackoff,
    TimeSpan MaxBackoff,
    int PageSize,
    TimeSpan StalledAfter)
{
    public static InformerOptions Default { get; } = new(
        WatchTimeout: TimeSpan.FromMinutes(5),
        HealthyWatch: TimeSpan.FromSeconds(1),
        InitialBackoff: TimeSpan.FromMilliseconds(500),
        MaxBackoff: TimeSpan.FromSeconds(5),
        PageSize: 500,
        StalledAfter: TimeSpan.FromSeconds(30));
}

using System.Net;

namespace Kaito.Operator;

/// <summary>
/// Bounds the operator's request rate to the API server: a token bucket (<paramref name="qps"/> a second, bursts of
/// <paramref name="burst"/>), and a pause for every request when the server answers 429 or 503 with Retry-After (at most
/// <see cref="MaxPause"/>), so an overloaded or failing API server sees the operator back off as a whole, not only per
/// object. Lease requests (leader election) pass unthrottled: losing leadership to our own queue would cost more.
/// </summary>
public sealed class ApiThrottle(double qps, int burst, TimeProvider? time = null) : DelegatingHandler
{
    public static readonly TimeSpan MaxPause = TimeSpan.FromSeconds(10);

    readonly TimeProvider clock = time ?? TimeProvider.System;
    readonly Lock gate = new();
    double tokens = burst;
    long refilled = (time ?? TimeProvider.System).GetTimestamp();
    long pausedUntil;
    long waited;
    long retryAfters;

    /// <summary>Requests that waited for a token or a pause.</summary>
    public long Waited => Interlocked.Read(ref waited);

    /// <summary>Answers that asked the operator to come back later (429, or 503 with Retry-After).</summary>
    public long RetryAfters => Interlocked.Read(ref retryAfters);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!ApiRequestCounter.IsLease(request.RequestUri?.AbsolutePath ?? ""))
        {
            var delay = Reserve();
            if (delay > TimeSpan.Zero)
            {
                Interlocked.Increment(ref waited);
                await Task.Delay(delay, clock, cancellationToken);
            }
        }
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.TooManyRequests || (response.StatusCode == HttpStatusCode.ServiceUnavailable && response.Headers.RetryAfter is not null))
        {
            Interlocked.Increment(ref retryAfters);
            Pause(RetryAfter(response));
        }
        return response;
    }

    /// <summary>How long this request must wait: for its token (tokens may go negative, which queues callers in order) and any pause.</summary>
    public TimeSpan Reserve()
    {
        lock (gate)
        {
            var now = clock.GetTimestamp();
            tokens = Math.Min(burst, tokens + clock.GetElapsedTime(refilled, now).TotalSeconds * qps);
            refilled = now;
            tokens -= 1;
            var forToken = tokens >= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(-tokens / qps);
            var forPause = pausedUntil > now ? clock.GetElapsedTime(now, pausedUntil) : TimeSpan.Zero;
            return forToken > forPause ? forToken : forPause;
        }
    }

    public void Pause(TimeSpan duration)
    {
        if (duration > MaxPause) duration = MaxPause;
        lock (gate)
        {
            var until = clock.GetTimestamp() + (long)(duration.TotalSeconds * clock.TimestampFrequency);
            if (until > pausedUntil) pausedUntil = until;
        }
    }

    TimeSpan RetryAfter(HttpResponseMessage response)
    {
        if (response.Headers.RetryAfter?.Delta is { } delta) return delta;
        if (response.Headers.RetryAfter?.Date is { } date) return date - clock.GetUtcNow();
        return TimeSpan.FromSeconds(1);
    }
}

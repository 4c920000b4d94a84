using System.Net;
using Microsoft.Extensions.Time.Testing;

namespace Kaito.Operator.Tests;

public sealed class ApiThrottleTests
{
    [Fact]
    public void A_burst_passes_at_once_and_then_requests_queue_at_the_rate_in_order()
    {
        var time = new FakeTimeProvider();
        var throttle = new ApiThrottle(qps: 50, burst: 100, time);

        var burst = Enumerable.Range(0, 100).Select(_ => throttle.Reserve()).ToList();
        var next = throttle.Reserve();
        var after = throttle.Reserve();
        time.Advance(TimeSpan.FromSeconds(10));
        var rested = throttle.Reserve();

        Assert.All(burst, d => Assert.Equal(TimeSpan.Zero, d));
        Assert.Equal(TimeSpan.FromMilliseconds(20), next);
        Assert.Equal(TimeSpan.FromMilliseconds(40), after);
        Assert.Equal(TimeSpan.Zero, rested);
    }

    [Fact]
    public void A_pause_holds_every_request_and_is_capped()
    {
        var time = new FakeTimeProvider();
        var throttle = new ApiThrottle(qps: 50, burst: 100, time);

        throttle.Pause(TimeSpan.FromSeconds(3));
        var paused = throttle.Reserve();
        throttle.Pause(TimeSpan.FromMinutes(5));
        var capped = throttle.Reserve();
        time.Advance(ApiThrottle.MaxPause);

        Assert.Equal(TimeSpan.FromSeconds(3), paused);
        Assert.Equal(ApiThrottle.MaxPause, capped);
        Assert.Equal(TimeSpan.Zero, throttle.Reserve());
    }

    [Fact]
    public async Task A_429_with_retry_after_pauses_later_requests_but_not_the_leader_lease()
    {
        var time = new FakeTimeProvider();
        var server = new ScriptedServer(request => request.RequestUri!.AbsolutePath == "/api/v1/pods"
            ? new HttpResponseMessage(HttpStatusCode.TooManyRequests) { Headers = { RetryAfter = new(TimeSpan.FromSeconds(2)) } }
            : new HttpResponseMessage(HttpStatusCode.OK));
        var throttle = new ApiThrottle(qps: 50, burst: 100, time) { InnerHandler = server };
        using var client = new HttpClient(throttle) { BaseAddress = new Uri("https://api.test") };

        using var refused = await client.GetAsync("/api/v1/pods");
        var held = client.GetAsync("/api/v1/nodes");
        using var lease = await client.PutAsync("/apis/coordination.k8s.io/v1/namespaces/kaito-system/leases/kaito", null);
        await Task.Delay(50);
        var heldWhilePaused = held.IsCompleted;
        time.Advance(TimeSpan.FromSeconds(2));
        using var released = await held;

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(1, throttle.RetryAfters);
        Assert.Equal(HttpStatusCode.OK, lease.StatusCode);
        Assert.False(heldWhilePaused, "a request went out during the server's Retry-After");
        Assert.Equal(HttpStatusCode.OK, released.StatusCode);
        Assert.Equal(1, throttle.Waited);
        Assert.Equal(["/api/v1/pods", "/apis/coordination.k8s.io/v1/namespaces/kaito-system/leases/kaito", "/api/v1/nodes"], server.Paths);
    }

    sealed class ScriptedServer(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        public List<string> Paths { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (Paths) Paths.Add(request.RequestUri!.AbsolutePath);
            return Task.FromResult(answer(request));
        }
    }
}

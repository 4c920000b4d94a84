using System.Net;

namespace Kaito.Operator.Tests;

/// <summary>The benchmarks' write counts: reads, writes, Lease renewals and Events are told apart by method and path.</summary>
public sealed class ApiRequestCounterTests
{
    [Theory]
    [InlineData("GET", "/apis/kaito.sh/v1beta1/workspaces?watch=true", "read")]
    [InlineData("POST", "/apis/apps/v1/namespaces/default/deployments", "write")]
    [InlineData("PATCH", "/apis/kaito.sh/v1beta1/namespaces/events/workspaces/events/status", "write")]
    [InlineData("PUT", "/apis/coordination.k8s.io/v1/namespaces/kaito-system/leases/kaito", "lease")]
    [InlineData("POST", "/api/v1/namespaces/default/events", "event")]
    [InlineData("PATCH", "/api/v1/namespaces/default/events/ws.17a", "event")]
    [InlineData("POST", "/apis/events.k8s.io/v1/namespaces/default/events", "event")]
    [InlineData("POST", "/api/v1/namespaces/events/services", "write")]
    public async Task Each_request_is_counted_once_under_its_verb(string method, string path, string verb)
    {
        using var counter = new ApiRequestCounter { InnerHandler = new Answer() };
        using var invoker = new HttpMessageInvoker(counter);
        using var request = new HttpRequestMessage(new HttpMethod(method), "https://127.0.0.1:6443" + path);
        using var _ = await invoker.SendAsync(request, CancellationToken.None);

        var counts = new Dictionary<string, long>
        {
            ["read"] = counter.Reads, ["write"] = counter.Writes, ["lease"] = counter.LeaseWrites, ["event"] = counter.EventWrites,
        };
        Assert.Equal(1, counts[verb]);
        Assert.Equal(1, counts.Values.Sum());
    }

    sealed class Answer : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { RequestMessage = request });
    }
}

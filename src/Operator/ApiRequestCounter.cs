namespace Kaito.Operator;

/// <summary>Counts the operator's requests to the API server by kind (reads vs writes), for /metrics and benchmarks.</summary>
public sealed class ApiRequestCounter : DelegatingHandler
{
    long reads;
    long writes;

    public long Reads => Interlocked.Read(ref reads);

    public long Writes => Interlocked.Read(ref writes);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var isRead = request.Method == HttpMethod.Get || request.Method == HttpMethod.Head;
        Interlocked.Increment(ref isRead ? ref reads : ref writes);
        return base.SendAsync(request, cancellationToken);
    }
}

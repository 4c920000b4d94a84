namespace Kaito.Operator;

/// <summary>Counts the operator's requests to the API server by kind (reads vs writes), for /metrics and benchmarks.</summary>
public sealed class ApiRequestCounter : DelegatingHandler
{
    long reads;
    long writes;
    long leaseWrites;
    long forbidden;

    public long Reads => Interlocked.Read(ref reads);

    /// <summary>Writes other than leader-election Lease renewals.</summary>
    public long Writes => Interlocked.Read(ref writes);

    /// <summary>Lease renewals: a leader writes one every few seconds by design, busy or idle.</summary>
    public long LeaseWrites => Interlocked.Read(ref leaseWrites);

    /// <summary>Requests the API server refused with 403: the operator's RBAC lacks a permission it uses.</summary>
    public long Forbidden => Interlocked.Read(ref forbidden);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var isRead = request.Method == HttpMethod.Get || request.Method == HttpMethod.Head;
        var isLease = request.RequestUri?.AbsolutePath.StartsWith("/apis/coordination.k8s.io/", StringComparison.Ordinal) == true;
        if (isRead) Interlocked.Increment(ref reads);
        else if (isLease) Interlocked.Increment(ref leaseWrites);
        else Interlocked.Increment(ref writes);
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode == System.Net.HttpStatusCode.Forbidden) Interlocked.Increment(ref forbidden);
        return response;
    }
}

namespace Kaito.Operator;

/// <summary>Counts the operator's requests to the API server by kind (reads vs writes), for /metrics and benchmarks.</summary>
public sealed class ApiRequestCounter : DelegatingHandler
{
    long reads;
    long writes;
    long leaseWrites;
    long eventWrites;
    long forbidden;

    public long Reads => Interlocked.Read(ref reads);

    /// <summary>Writes other than leader-election Lease renewals and Events.</summary>
    public long Writes => Interlocked.Read(ref writes);

    /// <summary>Lease renewals: a leader writes one every few seconds by design, busy or idle.</summary>
    public long LeaseWrites => Interlocked.Read(ref leaseWrites);

    /// <summary>Events recorded for users (kubectl describe): counted apart, as they are not the reconcile's own work.</summary>
    public long EventWrites => Interlocked.Read(ref eventWrites);

    /// <summary>Requests the API server refused with 403: the operator's RBAC lacks a permission it uses.</summary>
    public long Forbidden => Interlocked.Read(ref forbidden);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var isRead = request.Method == HttpMethod.Get || request.Method == HttpMethod.Head;
        var path = request.RequestUri?.AbsolutePath ?? "";
        if (isRead) Interlocked.Increment(ref reads);
        else if (IsLease(path)) Interlocked.Increment(ref leaseWrites);
        else if (IsEvent(path)) Interlocked.Increment(ref eventWrites);
        else Interlocked.Increment(ref writes);
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode == System.Net.HttpStatusCode.Forbidden) Interlocked.Increment(ref forbidden);
        return response;
    }

    /// <summary>Leader election's Leases (coordination.k8s.io): renewed every few seconds by design.</summary>
    public static bool IsLease(string path) => path.StartsWith("/apis/coordination.k8s.io/", StringComparison.Ordinal);

    /// <summary>/api/v1/namespaces/NS/events[/NAME] or /apis/events.k8s.io/v1/namespaces/NS/events[/NAME].</summary>
    static bool IsEvent(string path) =>
        path.StartsWith("/apis/events.k8s.io/", StringComparison.Ordinal)
        || (path.StartsWith("/api/v1/namespaces/", StringComparison.Ordinal) && path.Split('/') is [_, _, _, _, _, "events", ..]);
}

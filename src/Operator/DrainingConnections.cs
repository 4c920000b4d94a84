using Microsoft.AspNetCore.Connections.Features;

namespace Kaito.Operator;

/// <summary>
/// While the operator shuts down, every answer also asks its client to leave the connection: a GOAWAY on HTTP/2,
/// Connection: close on HTTP/1.1. The API server keeps one connection per webhook Service and sends every admission
/// over it; without this it would keep sending to this pod until the port closes, and the requests in flight at that
/// moment would fail with EOF. Asked to leave, it opens a new connection to a pod that stays.
/// </summary>
public sealed class DrainingConnections(RequestDelegate next, OperatorReadiness readiness)
{
    public async Task InvokeAsync(HttpContext context)
    {
        await next(context);
        if (readiness.ShuttingDown) context.Features.Get<IConnectionLifetimeNotificationFeature>()?.RequestClose();
    }
}

using Kaito.Reconcilers.Runtime;

namespace Kaito.Operator;

public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/healthz", static () => TypedResults.Text("ok"));
        endpoints.MapGet("/readyz", static (OperatorReadiness readiness) => Ready(readiness, InformerHealth.Default));
        endpoints.MapGet("/metrics", static (ApiRequestCounter api, ApiThrottle throttle) => TypedResults.Text(
            RuntimeMetrics.Default.Render()
            + $"# TYPE kaito_api_requests_total counter\nkaito_api_requests_total{{verb=\"read\"}} {api.Reads}\nkaito_api_requests_total{{verb=\"write\"}} {api.Writes}\nkaito_api_requests_total{{verb=\"lease\"}} {api.LeaseWrites}\nkaito_api_requests_total{{verb=\"event\"}} {api.EventWrites}\n"
            + $"# TYPE kaito_api_forbidden_total counter\nkaito_api_forbidden_total {api.Forbidden}\n"
            + $"# TYPE kaito_api_throttled_total counter\nkaito_api_throttled_total {throttle.Waited}\n"
            + $"# TYPE kaito_api_retry_after_total counter\nkaito_api_retry_after_total {throttle.RetryAfters}\n"
            + $"# TYPE kaito_process_rss_bytes gauge\nkaito_process_rss_bytes {Environment.WorkingSet}\n",
            "text/plain; version=0.0.4"));
        return endpoints;
    }

    /// <summary>
    /// Ready when the webhooks serve and every informer of a running controller has synced and keeps its watch
    /// (one failing for <see cref="InformerOptions.StalledAfter"/> is named, so the leader's trouble is visible).
    /// </summary>
    static IResult Ready(OperatorReadiness readiness, InformerHealth informers)
    {
        if (readiness.ShuttingDown) return Results.Text("shutting down", statusCode: StatusCodes.Status503ServiceUnavailable);
        if (!readiness.WebhooksReady) return Results.Text("webhook certificate or registration pending", statusCode: StatusCodes.Status503ServiceUnavailable);
        var stalled = informers.Stalled(InformerOptions.Default.StalledAfter);
        return stalled.Count == 0
            ? Results.Text("ok")
            : Results.Text("informers stalled:\n" + string.Join('\n', stalled) + "\n", statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}

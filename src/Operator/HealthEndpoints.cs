namespace Kaito.Operator;

public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/healthz", static () => TypedResults.Text("ok"));
        endpoints.MapGet("/readyz", static (OperatorReadiness readiness) => readiness.WebhooksReady
            ? Results.Text("ok")
            : Results.Text("webhook certificate or registration pending", statusCode: StatusCodes.Status503ServiceUnavailable));
        return endpoints;
    }
}

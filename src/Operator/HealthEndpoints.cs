namespace Kaito.Operator;

public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/healthz", static () => TypedResults.Text("ok"));
        endpoints.MapGet("/readyz", static () => TypedResults.Text("ok"));
        return endpoints;
    }
}

using Microsoft.AspNetCore.Http;

namespace Kaito.Operator;

/// <summary>
/// Keeps endpoints to the connections accepted on one listening port. The webhook paths must not answer on the
/// plain-HTTP health port, and the port a client names in its Host header says nothing: the API server calls
/// the webhooks through a Service on port 443 that forwards to the pod's webhook port.
/// </summary>
public static class LocalPortConstraint
{
    public static TBuilder RequireLocalPort<TBuilder>(this TBuilder builder, int port) where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint =>
        {
            var inner = endpoint.RequestDelegate;
            if (inner is null) return;
            endpoint.RequestDelegate = context =>
            {
                if (context.Connection.LocalPort == port) return inner(context);
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            };
        });
        return builder;
    }
}

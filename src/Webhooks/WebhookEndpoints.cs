using System.Text.Json;
using Kaito.Webhooks.Admission;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Kaito.Webhooks;

/// <summary>
/// POST /mutate/{workspace,ragengine}.kaito.sh and /validate/{...}: AdmissionReview v1 in, AdmissionReview
/// out, always HTTP 200 for a well-formed review; 400 for a body that is not one; 413 over the size limit.
/// </summary>
public static class WebhookEndpoints
{
    /// <summary>Objects are at most 1.5 MiB in etcd; a review carries two of them plus envelope.</summary>
    public const long MaxRequestBytes = 4 * 1024 * 1024;

    public static IEndpointRouteBuilder MapWebhooks(this IEndpointRouteBuilder endpoints)
    {
        // The singleton from the root provider, once: asking context.RequestServices would make a DI scope per request.
        var handler = new Lazy<AdmissionHandler>(() => endpoints.ServiceProvider.GetRequiredService<AdmissionHandler>());
        foreach (var kind in AdmissionKind.All)
        {
            // Plain RequestDelegates: nothing for the delegate factory to infer, so the same code path runs under
            // the JIT and Native AOT (where an inferred Task<IResult> lambda from a library is not generated).
            endpoints.MapPost(kind.MutatePath, context => RespondAsync(context, handler.Value, kind, validate: false));
            endpoints.MapPost(kind.ValidatePath, context => RespondAsync(context, handler.Value, kind, validate: true));
        }
        return endpoints;
    }

    static async Task RespondAsync(HttpContext context, AdmissionHandler handler, AdmissionKind kind, bool validate)
    {
        var (review, problem) = await HandleAsync(context, handler, kind, validate);
        if (problem is not null)
        {
            await problem.ExecuteAsync(context);
            return;
        }
        // Written as it is, with a Content-Length: one write and one TLS record (a streamed JSON result goes out chunked,
        // and a file result checks range and precondition headers the API server never sends).
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        response.ContentLength = review!.Length;
        await response.Body.WriteAsync(review);
    }

    /// <summary>The AdmissionReview to answer with, or the problem (400, 413) when the body is not one.</summary>
    static async Task<(byte[]? Review, IResult? Problem)> HandleAsync(HttpContext context, AdmissionHandler handler, AdmissionKind kind, bool validate)
    {
        if (context.Request.ContentLength > MaxRequestBytes)
            return (null, TypedResults.Problem($"request body over {MaxRequestBytes} bytes", statusCode: StatusCodes.Status413PayloadTooLarge));

        byte[] body;
        try
        {
            body = await ReadBodyAsync(context);
        }
        catch (InvalidOperationException e) when (e.Message.Contains("limit", StringComparison.Ordinal))
        {
            return (null, TypedResults.Problem(e.Message, statusCode: StatusCodes.Status413PayloadTooLarge));
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel's own checks while the body streams in: a chunked body over MaxRequestBodySize (413)
            // or a broken chunked encoding (400). Answered here rather than logged as an unhandled exception.
            return (null, TypedResults.Problem(e.Message, statusCode: e.StatusCode));
        }

        var answer = await handler.AnswerAsync(kind, validate, body, context.RequestAborted);
        if (answer.Response is not { } response) return (null, TypedResults.Problem(answer.NotAReview, statusCode: StatusCodes.Status400BadRequest));
        return (JsonSerializer.SerializeToUtf8Bytes(
            new AdmissionReview { ApiVersion = AdmissionReview.ApiVersionV1, Kind = "AdmissionReview", Response = response }, WebhookJson.Default.AdmissionReview), null);
    }

    /// <summary>The whole body, at most <see cref="MaxRequestBytes"/>: sized from Content-Length when sent, else grown.</summary>
    static async Task<byte[]> ReadBodyAsync(HttpContext context)
    {
        var body = new LimitedStream(context.Request.Body, MaxRequestBytes);
        if (context.Request.ContentLength is { } length)
        {
            var buffer = new byte[length];
            var read = await body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, context.RequestAborted);
            return read == buffer.Length ? buffer : buffer[..read];
        }
        using var copy = new MemoryStream();
        await body.CopyToAsync(copy, context.RequestAborted);
        return copy.ToArray();
    }
}

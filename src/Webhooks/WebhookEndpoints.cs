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
        foreach (var kind in AdmissionKind.All)
        {
            // Plain RequestDelegates: nothing for the delegate factory to infer, so the same code path runs under
            // the JIT and Native AOT (where an inferred Task<IResult> lambda from a library is not generated).
            endpoints.MapPost(kind.MutatePath, context => RespondAsync(context, kind, validate: false));
            endpoints.MapPost(kind.ValidatePath, context => RespondAsync(context, kind, validate: true));
        }
        return endpoints;
    }

    static async Task RespondAsync(HttpContext context, AdmissionKind kind, bool validate)
    {
        var result = await HandleAsync(context, kind, validate);
        await result.ExecuteAsync(context);
    }

    static async Task<IResult> HandleAsync(HttpContext context, AdmissionKind kind, bool validate)
    {
        if (context.Request.ContentLength > MaxRequestBytes)
            return TypedResults.Problem($"request body over {MaxRequestBytes} bytes", statusCode: StatusCodes.Status413PayloadTooLarge);

        byte[] body;
        try
        {
            body = await ReadBodyAsync(context);
        }
        catch (InvalidOperationException e) when (e.Message.Contains("limit", StringComparison.Ordinal))
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status413PayloadTooLarge);
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel's own checks while the body streams in: a chunked body over MaxRequestBodySize (413)
            // or a broken chunked encoding (400). Answered here rather than logged as an unhandled exception.
            return TypedResults.Problem(e.Message, statusCode: e.StatusCode);
        }

        var answer = await context.RequestServices.GetRequiredService<AdmissionHandler>().AnswerAsync(kind, validate, body, context.RequestAborted);
        if (answer.Response is not { } response) return TypedResults.Problem(answer.NotAReview, statusCode: StatusCodes.Status400BadRequest);
        // Serialized up front and sent with a Content-Length: one write and one TLS record, where a streamed
        // JSON result goes out chunked.
        var bytes = JsonSerializer.SerializeToUtf8Bytes(
            new AdmissionReview { ApiVersion = AdmissionReview.ApiVersionV1, Kind = "AdmissionReview", Response = response }, WebhookJson.Default.AdmissionReview);
        return TypedResults.Bytes(bytes, "application/json");
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

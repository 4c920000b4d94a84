using System.Buffers;
using System.IO.Pipelines;
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
    static async ValueTask<(byte[]? Review, IResult? Problem)> HandleAsync(HttpContext context, AdmissionHandler handler, AdmissionKind kind, bool validate)
    {
        if (context.Request.ContentLength > MaxRequestBytes) return (null, TooLarge());

        var reader = context.Request.BodyReader;
        // Read once: Kestrel takes a lock to hand it out.
        var aborted = context.RequestAborted;
        ReadResult read;
        try
        {
            read = await ReadWholeBodyAsync(reader, aborted);
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel's own checks while the body streams in: a chunked body over MaxRequestBodySize (413)
            // or a broken chunked encoding (400). Answered here rather than logged as an unhandled exception.
            return (null, TypedResults.Problem(e.Message, statusCode: e.StatusCode));
        }
        var body = read.Buffer;
        if (body.Length > MaxRequestBytes)
        {
            reader.AdvanceTo(body.End);
            return (null, TooLarge());
        }

        // The body is read where the pipe holds it (no copy per request); only a body split over the pipe's segments is
        // joined, into a pooled array. Nothing of the answer refers to these bytes once it is returned.
        byte[]? joined = null;
        AdmissionAnswer answer;
        try
        {
            ReadOnlyMemory<byte> bytes;
            if (body.IsSingleSegment)
            {
                bytes = body.First;
            }
            else
            {
                joined = ArrayPool<byte>.Shared.Rent((int)body.Length);
                body.CopyTo(joined);
                bytes = joined.AsMemory(0, (int)body.Length);
            }
            answer = await handler.AnswerAsync(kind, validate, bytes, aborted);
        }
        finally
        {
            reader.AdvanceTo(body.End);
            if (joined is not null) ArrayPool<byte>.Shared.Return(joined);
        }
        if (answer.Response is not { } response) return (null, TypedResults.Problem(answer.NotAReview, statusCode: StatusCodes.Status400BadRequest));
        return (ReviewAnswer.Serialize(response), null);
    }

    /// <summary>
    /// Waits until the whole body is in the pipe, unconsumed; stops early once it is over <see cref="MaxRequestBytes"/>,
    /// so a body without Content-Length is bounded too. A ValueTask: the body is usually in the pipe already, and a
    /// Task of a struct result would be allocated for every request that completes at once.
    /// </summary>
    internal static async ValueTask<ReadResult> ReadWholeBodyAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        while (true)
        {
            var read = await reader.ReadAsync(cancellationToken);
            if (read.IsCompleted || read.IsCanceled || read.Buffer.Length > MaxRequestBytes) return read;
            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }
    }

    static IResult TooLarge() =>
        TypedResults.Problem($"request body over the {MaxRequestBytes} byte limit", statusCode: StatusCodes.Status413PayloadTooLarge);
}

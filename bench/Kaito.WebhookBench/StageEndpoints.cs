using System.Text.Json;
using Kaito.Api.V1Beta1;
using Kaito.Webhooks;
using Kaito.Webhooks.Admission;
using Kaito.Webhooks.Admission.Reading;
using Kaito.Webhooks.Validation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kaito.WebhookBench;

/// <summary>
/// Endpoints that each do a validate review's work up to one stage and answer with the bare endpoint's fixed bytes
/// (`--stages`): served side by side with the bare one, the differences between them say what each stage costs under
/// load, where it competes with Kestrel, TLS and the kernel for the cores and their caches.
/// </summary>
static class StageEndpoints
{
    delegate void Work(ReadOnlyMemory<byte> body);

    static readonly AdmissionHandler Handler = new(new AdmissionSettings(), null, NullLogger<AdmissionHandler>.Instance);

    /// <summary>Path and what it adds, in order; each stage does the work of the ones before it.</summary>
    public static readonly (string Path, string Adds)[] Stages =
    [
        ("/stage/body", "the whole body read from the pipe"),
        ("/stage/tokens", "its tokens (the plain tokenizer, as the typed reading uses it)"),
        ("/stage/read", "the typed review made from them"),
        ("/stage/answer", "the rules and the answer (AnswerAsync, validate)"),
    ];

    public static void Map(IEndpointRouteBuilder endpoints, byte[] fixedAnswer)
    {
        Work[] work =
        [
            _ => { },
            body => Tokenize(body.Span),
            body => TypedReviewJson.Review<Workspace>.Reader.Read(body.Span),
            body => Handler.AnswerAsync(AdmissionKind.Workspace, validate: true, body, CancellationToken.None).AsTask().GetAwaiter().GetResult(),
        ];
        for (var i = 0; i < Stages.Length; i++)
        {
            var stage = work[i];
            endpoints.MapPost(Stages[i].Path, context => RespondAsync(context, stage, fixedAnswer));
        }
    }

    /// <summary>The plain tokenizer over the body, making nothing (also timed on one thread by <see cref="HandlerCost"/>).</summary>
    public static void Tokenize(ReadOnlySpan<byte> body)
    {
        var tokens = new PlainJsonReader(body, new JsonReaderOptions());
        while (tokens.Read()) { }
    }

    static async Task RespondAsync(HttpContext context, Work work, byte[] fixedAnswer)
    {
        var reader = context.Request.BodyReader;
        // As the webhook endpoints wait for it.
        var read = await WebhookEndpoints.ReadWholeBodyAsync(reader, context.RequestAborted);
        // The benchmark's body is small: Kestrel hands it over in one segment.
        work(read.Buffer.First);
        reader.AdvanceTo(read.Buffer.End);
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = fixedAnswer.Length;
        await context.Response.Body.WriteAsync(fixedAnswer);
    }
}

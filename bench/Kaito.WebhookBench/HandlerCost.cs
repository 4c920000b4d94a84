using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Kaito.Api.V1Beta1;
using Kaito.Webhooks.Admission;
using Kaito.Webhooks.Admission.Reading;
using Kaito.Webhooks.Validation;

namespace Kaito.WebhookBench;

/// <summary>
/// The handler's own cost per request, on one thread and without HTTP: reading the review (JsonSerializer, the baseline,
/// against TypeInfoReader making the same object, and as validation reads it: kubectl's last-applied copy not decoded,
/// known strings not made anew; and the plain tokenizer alone, the part of that reading that makes no objects), the
/// Workspace rules alone on the object read, and the whole answer for validate and mutate.
/// </summary>
static class HandlerCost
{
    public static async Task<string> MeasureAsync(AdmissionHandler handler, byte[] body)
    {
        var info = TypedReviewJson.Review<Workspace>.TypeInfo;
        var serializer = await TimeAsync(() => ValueTask.FromResult<object?>(JsonSerializer.Deserialize(body, info)));
        var plain = new TypeInfoReader<TypedAdmissionReview<Workspace>>(info);
        var reader = await TimeAsync(() => Read(plain, body));
        var validationReader = await TimeAsync(() => Read(TypedReviewJson.Review<Workspace>.Reader, body));
        var tokens = await TimeAsync(() =>
        {
            StageEndpoints.Tokenize(body);
            return ValueTask.FromResult<object?>(null);
        });
        var workspace = TypedReviewJson.Review<Workspace>.Reader.Read(body)?.Request?.Object
            ?? throw new InvalidOperationException("the benchmark's review carries no Workspace");
        var validator = new WorkspaceValidator(new AdmissionSettings(), null);
        var rules = await TimeAsync(async () => await validator.ValidateCreateAsync(workspace, CancellationToken.None));
        var (validate, mutate) = await AnswersAsync(handler, body);
        return string.Create(CultureInfo.InvariantCulture,
            $"one thread, no HTTP, per review: reading with JsonSerializer {serializer} (baseline), with TypeInfoReader {reader}, as validation reads it {validationReader} (of which the plain tokenizer alone {tokens}); the rules alone {rules}; whole answer: validate {validate}, mutate {mutate}");
    }

    /// <summary>
    /// Only the whole validate and mutate answers, as one line a script reads (<c>--handler-cost</c>, used by
    /// hack/bench-webhooks-ab.sh with <c>handler</c>): "kaito-handler-cost &lt;validate µs&gt; &lt;validate bytes&gt;
    /// &lt;mutate µs&gt; &lt;mutate bytes&gt;".
    /// </summary>
    public static async Task<string> MeasureAnswersAsync(AdmissionHandler handler, byte[] body)
    {
        var (validate, mutate) = await AnswersAsync(handler, body);
        return string.Create(CultureInfo.InvariantCulture,
            $"kaito-handler-cost {validate.Microseconds:0.000} {validate.Bytes} {mutate.Microseconds:0.000} {mutate.Bytes}");
    }

    static async Task<(Cost Validate, Cost Mutate)> AnswersAsync(AdmissionHandler handler, byte[] body) =>
        (await TimeAsync(async () => await handler.AnswerAsync(AdmissionKind.Workspace, validate: true, body, CancellationToken.None)),
         await TimeAsync(async () => await handler.AnswerAsync(AdmissionKind.Workspace, validate: false, body, CancellationToken.None)));

    static ValueTask<object?> Read(TypeInfoReader<TypedAdmissionReview<Workspace>> reader, byte[] body) => reader.TryRead(body, out var value)
        ? ValueTask.FromResult<object?>(value)
        : throw new InvalidOperationException("the reader declined the benchmark's review");

    static async Task<Cost> TimeAsync(Func<ValueTask<object?>> run)
    {
        for (var i = 0; i < 20_000; i++) await run();
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        long count = 0;
        while (watch.Elapsed < TimeSpan.FromSeconds(1))
        {
            for (var i = 0; i < 1_000; i++) await run();
            count += 1_000;
        }
        return new Cost(watch.Elapsed.TotalMicroseconds / count, (GC.GetAllocatedBytesForCurrentThread() - allocated) / count);
    }

    /// <summary>Time and memory allocated per review (all the work runs on the measuring thread: nothing in it yields).</summary>
    readonly record struct Cost(double Microseconds, long Bytes)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Microseconds:0.00} µs {Bytes / 1024.0:0.0} KiB");
    }
}

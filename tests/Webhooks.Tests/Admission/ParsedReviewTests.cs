using System.Text;
using System.Text.Json;
using Kaito.Webhooks.Admission;
using Kaito.Webhooks.Admission.Reading;
using Kaito.Webhooks.Tests.Fuzz;
using Kaito.Webhooks.Validation;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace Kaito.Webhooks.Tests.Admission;

/// <summary>
/// Property: the mutating entry point (one parse of the body, <see cref="ParsedReview"/>) answers every body exactly as
/// the tolerant reading alone would, whether the one parse answered it or declined.
/// </summary>
public sealed class ParsedReviewTests(ITestOutputHelper output)
{
    static readonly AdmissionHandler Handler = new(new AdmissionSettings(), null, NullLogger<AdmissionHandler>.Instance);

    [Fact]
    public async Task Every_example_is_defaulted_from_one_parse_with_the_tolerant_readings_answer()
    {
        var cases = SeedObjects.Workspaces.Select(o => (AdmissionKind.Workspace, o))
            .Concat(SeedObjects.RAGEngines.Select(o => (AdmissionKind.RAGEngine, o)));
        foreach (var (kind, obj) in cases)
        {
            foreach (var operation in new[] { "CREATE", "UPDATE" })
            {
                var body = Encoding.UTF8.GetBytes($$$"""
                    {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u-1","kind":{"group":"kaito.sh","version":"v1beta1","kind":"{{{kind.Kind}}}"},"resource":{"group":"kaito.sh","version":"v1beta1","resource":"r"},"operation":"{{{operation}}}","userInfo":{"username":"u"},"object":{{{obj}}},"oldObject":{{{(operation == "UPDATE" ? obj : "null")}}},"dryRun":false}}
                    """);
                using (var parsed = ParsedReview.TryRead(body))
                    Assert.NotNull(parsed);
                Assert.Equal(await TolerantAsync(kind, body), await AnswerAsync(kind, body));
            }
        }
    }

    [Fact]
    public async Task Generated_reviews_get_the_same_answer_from_one_parse_and_the_tolerant_reading()
    {
        var cases = new MalformedRequestGenerator(20_261_204).Generate(6_000)
            .Where(c => c.Body.Length <= WebhookEndpoints.MaxRequestBytes)
            .Select(c => (Case: c, Kind: AdmissionKind.All.SingleOrDefault(k => k.MutatePath == c.Path)))
            .Where(c => c.Kind is not null)
            .ToList();
        int parsedOnce = 0, declined = 0;
        var mismatches = new List<string>();
        foreach (var (fuzz, kind) in cases)
        {
            using (var parsed = ParsedReview.TryRead(fuzz.Body))
            {
                if (parsed is null) declined++;
                else parsedOnce++;
            }
            var answer = await AnswerAsync(kind!, fuzz.Body);
            var tolerant = await TolerantAsync(kind!, fuzz.Body);
            if (answer != tolerant) mismatches.Add($"{fuzz}\n    entry point: {answer}\n    tolerant: {tolerant}");
        }
        output.WriteLine($"{cases.Count} mutate requests: {parsedOnce} answered from one parse, {declined} left to the tolerant reading");
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} different answers, first ones:\n{string.Join("\n", mismatches.Take(5))}");
        Assert.True(parsedOnce >= cases.Count / 4, $"only {parsedOnce} of {cases.Count} answered from one parse");
        Assert.True(declined > 0);
    }

    [Theory]
    [InlineData("""{"request":{"uid":"u","uid":"v","kind":{"group":"kaito.sh","kind":"Workspace"},"operation":"DELETE"}}""", true)]
    [InlineData("""{"request":{"uid":5}}""", false)]
    [InlineData("""{"request":{"kind":[]}}""", false)]
    [InlineData("""{"request":{"dryRun":"no"}}""", false)]
    [InlineData("""{"response":{"uid":"u","allowed":true},"request":{}}""", false)]
    [InlineData("""{"$type":"x","request":{}}""", false)]
    [InlineData("""{"request":null}""", false)]
    [InlineData("""{"request":{}} x""", false)]
    [InlineData("""[{"request":{}}]""", false)]
    public void Declines_what_the_tolerant_reading_would_read_differently_or_refuse(string json, bool parsedOnce)
    {
        using var parsed = ParsedReview.TryRead(Encoding.UTF8.GetBytes(json));
        Assert.Equal(parsedOnce, parsed is not null);
        if (parsed is not null) Assert.Equal("v", parsed.Request.Uid);
    }

    /// <summary>What the endpoint answers with the tolerant reading only: the response, or "400" when the body is not a review.</summary>
    static async Task<string> TolerantAsync(AdmissionKind kind, byte[] body)
    {
        AdmissionReview? review;
        try
        {
            review = AdmissionHandler.ReadReview(body);
        }
        catch (JsonException)
        {
            return "400";
        }
        return review?.Request is null ? "400" : Json(await Handler.MutateAsync(kind, review.Request, CancellationToken.None));
    }

    static async Task<string> AnswerAsync(AdmissionKind kind, byte[] body)
    {
        var answer = await Handler.AnswerAsync(kind, validate: false, body, CancellationToken.None);
        return answer.Response is null ? "400" : Json(answer.Response);
    }

    static string Json(AdmissionResponse response) => JsonSerializer.Serialize(response);
}

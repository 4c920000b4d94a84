using System.Text;
using System.Text.Json;
using Kaito.Webhooks.Admission;
using Kaito.Webhooks.Tests.Fuzz;
using Kaito.Webhooks.Validation;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace Kaito.Webhooks.Tests.Admission;

/// <summary>
/// Property: the webhook's one entry point answers every body exactly as the tolerant path alone would (review parsed,
/// objects decoded from JSON), whether the one-pass typed reading answered it or stepped aside.
/// </summary>
public sealed class OnePassValidationTests(ITestOutputHelper output)
{
    static readonly AdmissionHandler Handler = new(new AdmissionSettings(), null, NullLogger<AdmissionHandler>.Instance);

    [Fact]
    public async Task Every_example_is_answered_in_one_pass_with_the_tolerant_paths_answer()
    {
        var cases = SeedObjects.Workspaces.Select(o => (AdmissionKind.Workspace, o))
            .Concat(SeedObjects.RAGEngines.Select(o => (AdmissionKind.RAGEngine, o)));
        foreach (var (kind, obj) in cases)
        {
            foreach (var operation in new[] { "CREATE", "UPDATE" })
            {
                var body = Encoding.UTF8.GetBytes($$$"""
                    {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u-1","kind":{"group":"kaito.sh","version":"v1beta1","kind":"{{{kind.Kind}}}"},"operation":"{{{operation}}}","object":{{{obj}}},"oldObject":{{{(operation == "UPDATE" ? obj : "null")}}}}}
                    """);
                var (typed, _) = await Handler.ValidateOnePassAsync(kind, body, CancellationToken.None);
                Assert.NotNull(typed);
                Assert.Equal(await TolerantAsync(kind, body), Json(typed));
                Assert.Equal(await TolerantAsync(kind, body), await AnswerAsync(kind, body));
            }
        }
    }

    [Fact]
    public async Task Generated_reviews_get_the_same_answer_from_both_paths()
    {
        var cases = new MalformedRequestGenerator(20_251_123).Generate(6_000)
            .Where(c => c.Body.Length <= WebhookEndpoints.MaxRequestBytes)
            .Select(c => (Case: c, Kind: AdmissionKind.All.SingleOrDefault(k => k.ValidatePath == c.Path)))
            .Where(c => c.Kind is not null)
            .ToList();
        int onePass = 0, steppedAside = 0;
        var mismatches = new List<string>();
        foreach (var (fuzz, kind) in cases)
        {
            var (typed, _) = await Handler.ValidateOnePassAsync(kind!, fuzz.Body, CancellationToken.None);
            var answer = await AnswerAsync(kind!, fuzz.Body);
            var tolerant = await TolerantAsync(kind!, fuzz.Body);
            if (typed is null) steppedAside++;
            else onePass++;
            if (answer != tolerant) mismatches.Add($"{fuzz}\n    entry point ({(typed is null ? "stepped aside" : "one pass")}): {answer}\n    tolerant: {tolerant}");
        }
        output.WriteLine($"{cases.Count} validate requests: {onePass} answered in one pass, {steppedAside} left to the tolerant path");
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} different answers, first ones:\n{string.Join("\n", mismatches.Take(5))}");
        Assert.True(onePass >= cases.Count / 10, $"only {onePass} of {cases.Count} answered in one pass");
        Assert.True(steppedAside > 0);
    }

    /// <summary>What the endpoint answers without the one-pass path: the review parsed, or "400" when it is not one.</summary>
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
        return review?.Request is null ? "400" : Json(await Handler.ValidateAsync(kind, review.Request, CancellationToken.None));
    }

    /// <summary>What the endpoint answers: the response, or "400" for a body that is not a review.</summary>
    static async Task<string> AnswerAsync(AdmissionKind kind, byte[] body)
    {
        var answer = await Handler.AnswerAsync(kind, validate: true, body, CancellationToken.None);
        return answer.Response is null ? "400" : Json(answer.Response);
    }

    static string Json(AdmissionResponse response) => JsonSerializer.Serialize(response);
}

using Kaito.Webhooks.Admission;
using Kaito.Webhooks.Tests.Fuzz;
using Xunit.Abstractions;
using static Kaito.Webhooks.Tests.Admission.EntryPointAnswers;

namespace Kaito.Webhooks.Tests.Admission;

/// <summary>
/// Property: the webhook's one entry point answers every body exactly as the tolerant path alone would (review parsed,
/// objects decoded from JSON), whether the one-pass typed reading answered it or stepped aside.
/// </summary>
public sealed class OnePassValidationTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Every_example_is_answered_in_one_pass_with_the_tolerant_paths_answer()
    {
        foreach (var (kind, body) in SeedReviews())
        {
            var (typed, _) = await Handler.ValidateOnePassAsync(kind, body, CancellationToken.None);
            Assert.NotNull(typed);
            Assert.Equal(await TolerantAsync(kind, validate: true, body), Json(typed));
            Assert.Equal(await TolerantAsync(kind, validate: true, body), await EntryPointAsync(kind, validate: true, body));
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
            var answer = await EntryPointAsync(kind!, validate: true, fuzz.Body);
            var tolerant = await TolerantAsync(kind!, validate: true, fuzz.Body);
            if (typed is null) steppedAside++;
            else onePass++;
            if (answer != tolerant) mismatches.Add($"{fuzz}\n    entry point ({(typed is null ? "stepped aside" : "one pass")}): {answer}\n    tolerant: {tolerant}");
        }
        output.WriteLine($"{cases.Count} validate requests: {onePass} answered in one pass, {steppedAside} left to the tolerant path");
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} different answers, first ones:\n{string.Join("\n", mismatches.Take(5))}");
        Assert.True(onePass >= cases.Count / 10, $"only {onePass} of {cases.Count} answered in one pass");
        Assert.True(steppedAside > 0);
    }
}
